import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createApp } from './app.ts';
import { startLocalChroma, type LocalChroma } from './clients/chroma-local.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { startIngestWorker } from './ingest/ingest.worker.ts';
import { startIngestSweep } from './ingest/sweep.ts';
import { startReindexWorker } from './ingest/reindex.worker.ts';
import { createLogger, scoped, type Logger } from './logger.ts';
import { startMetricsServer } from './metrics/metrics.routes.ts';
import { startGateway } from './realtime/gateway.ts';
import { createServices, type Services } from './services.ts';
import { bootstrapAdmin } from './users/bootstrap-admin.ts';

/** Starts the roles in ROLES (api, worker, or both) and stops them cleanly on SIGTERM or SIGINT. */
export async function start(config: Config, logger: Logger) {
  const stops: (() => Promise<void>)[] = [];
  let chroma: LocalChroma | undefined;
  if (!config.chroma.url) {
    chroma = await startLocalChroma({
      dataDir: config.paths.chroma,
      port: config.chroma.localPort,
      logger: scoped(logger, 'chroma'),
      restart: { maxRestarts: config.chroma.localMaxRestarts },
    });
    config = { ...config, chroma: { ...config.chroma, url: chroma.url } };
  }
  const services = createServices(config, logger, {}, { localChroma: chroma });
  await announceAccounts(config, services, logger);
  const swept = await services.files.sweepTemp(60_000);
  if (swept > 0) logger.info({ swept }, 'removed temp files left by an earlier run');

  if (config.roles.has('worker')) {
    const worker = startIngestWorker({
      config,
      connection: services.queueConnection,
      documents: services.documentsRepository,
      fail: services.failDocument,
      ingest: services.ingest,
      metrics: services.metrics,
      logger: scoped(logger, 'ingest'),
    });
    const sweep = startIngestSweep({ documents: services.documentsRepository, queue: services.queue, fail: services.failDocument, intervalMs: config.ingest.sweepMs, logger: scoped(logger, 'ingest') });
    const reindex = startReindexWorker({ config, connection: services.queueConnection, documents: services.documentsRepository, queue: services.queue, logger: scoped(logger, 'ingest') });
    stops.push(async () => sweep.stop(), () => reindex.close(), () => worker.drain());
    logger.info({ concurrency: config.ingest.concurrency }, 'ingest worker started');
  }

  // An api serves /metrics itself; a worker-only process answers on its own port.
  let metricsServer: Awaited<ReturnType<typeof startMetricsServer>> | undefined;
  if (config.roles.has('worker') && !config.roles.has('api')) {
    metricsServer = await startMetricsServer(services.metrics, { host: config.http.host, port: config.metrics.port, logger: scoped(logger, 'app') });
    stops.push(() => metricsServer!.close());
  }

  let server: http.Server | undefined;
  if (config.roles.has('api')) {
    server = http.createServer(
      {
        // Explicit, so a client that sends a body (or its headers) a byte at a time is cut off after
        // the configured time instead of Node's 300 s; checked every second, not every 30 s.
        requestTimeout: config.http.requestTimeoutMs,
        headersTimeout: config.http.headersTimeoutMs,
        connectionsCheckingInterval: 1000,
      },
      createApp(services),
    );
    const gateway = await startGateway({
      config,
      server,
      connection: services.queueConnection,
      documents: services.documentsRepository,
      bus: services.bus,
      verifyBearer: services.security.authenticator.verifyBearer,
      readableIds: services.collectionsService.readableIds,
      metrics: services.metrics,
      logger: scoped(logger, 'socket'),
    });
    await new Promise<void>((resolve) => server!.listen(config.http.port, config.http.host, resolve));
    const address = server.address();
    logger.info({ address, ollama: config.ollama.host, chroma: config.chroma.url }, 'api listening');
    announceDashboard(config, server, logger);
    stops.unshift(async () => {
      await gateway.close();
      await new Promise<void>((resolve) => server!.close(() => resolve()));
    });
  }

  // Last, so it is what a person sees after the address.
  if (services.security.usersService.count() === 0) logger.warn('no accounts yet: create the first admin with `npm run create-admin -- --email you@example.org --name "Your Name"`');

  return {
    services,
    server,
    metricsServer: metricsServer?.server,
    /** The Chroma this process started and supervises (none when CHROMA_URL is set). */
    chroma,
    async stop() {
      for (const stop of stops) await stop();
      await services.close();
      await chroma?.stop();
    },
  };
}

/** Creates the first admin from the bootstrap variables, once, and says when they are ignored. */
async function announceAccounts(config: Config, services: Services, logger: Logger) {
  const outcome = await bootstrapAdmin(config, services.security.usersService);
  if (outcome === 'created') logger.warn('created the first admin from BOOTSTRAP_ADMIN_EMAIL; remove BOOTSTRAP_ADMIN_PASSWORD from the environment');
  else if (outcome === 'users_exist' && config.auth.bootstrapAdmin.password) logger.warn('BOOTSTRAP_ADMIN_PASSWORD is ignored because accounts exist; remove it');
}

/** Says where to open the dashboard, or that it is missing (nginx serves it in production). */
function announceDashboard(config: Config, server: http.Server, logger: Logger) {
  const { port } = server.address() as AddressInfo;
  // A wildcard bind is reachable on this machine as localhost.
  const host = ['0.0.0.0', '::', ''].includes(config.http.host) ? 'localhost' : config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host;
  const url = `http://${host}:${port}/`;
  if (fs.existsSync(path.join(config.paths.web, 'index.html'))) logger.info({ url }, `dashboard: open ${url}`);
  else logger.warn({ webDir: config.paths.web }, `no dashboard in ${config.paths.web}: \`npm start\` builds it (or \`npm run build --workspace frontend\`); the API answers on ${url}api/v1`);
}

async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config);
  const app = await start(config, logger).catch((err: unknown) => {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  });
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing running work');
    await app.stop();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

if (import.meta.main) {
  main().catch((err: unknown) => {
    process.stderr.write(`failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
