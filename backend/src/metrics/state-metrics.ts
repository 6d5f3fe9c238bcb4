import fs from 'node:fs/promises';
import { Gauge, type Registry } from 'prom-client';
import type { HealthService, Readiness } from '../health/health.service.ts';
import type { IngestQueue } from '../ingest/jobs.ts';
import type { Logger } from '../logger.ts';
import type { LastSuccess } from '../backup/last-success.ts';
import { readBackupStatus } from './backup-status.ts';
import type { CorpusRepository, CorpusTotals } from './corpus.repository.ts';
import { certificateExpiry } from './tls-expiry.ts';

const QUEUE_STATES = ['waiting', 'prioritized', 'active', 'delayed', 'failed'] as const;
// Redis commands queue while Redis is away; a scrape must not wait for it to come back.
const QUEUE_TIMEOUT_MS = 2000;

export interface StateSources {
  health: Pick<HealthService, 'readiness'>;
  queue: Pick<IngestQueue, 'queue'>;
  corpus: CorpusRepository;
  dataDir: string;
  backupStatusFile: string;
  /** The TLS certificate whose expiry is exported; null exports no series. */
  tlsCertFile: string | null;
  logger: Logger;
}

interface Snapshot {
  readiness: Readiness;
  queue: { counts: Record<string, number>; oldestWaitingS: number } | null;
  documents: Record<string, number>;
  corpus: CorpusTotals;
  disk: { freeBytes: number; sizeBytes: number } | null;
  backup: LastSuccess | null;
  tlsExpiry: number | null;
}

/**
 * Gauges read at scrape time: dependencies, queue, documents, corpus, disk, last backup and
 * TLS expiry. One snapshot serves every gauge of a scrape, so a scrape asks each dependency once.
 */
export function registerStateMetrics(registry: Registry, sources: StateSources) {
  // The registry collects every metric at once, so they share the snapshot taken while it is pending.
  let pending: Promise<Snapshot> | undefined;
  const snapshot = () => (pending ??= takeSnapshot(sources).finally(() => (pending = undefined)));
  const gauge = (name: string, help: string, labelNames: string[], fill: (g: Gauge, s: Snapshot) => void) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        this.reset();
        fill(this, await snapshot());
      },
    });

  gauge('rag_dependency_up', 'Whether a dependency (sqlite, redis, chroma, ollama) answered its readiness check: 1 up, 0 down.', ['dependency'], (g, s) => {
    for (const [name, check] of Object.entries(s.readiness.checks)) g.set({ dependency: name }, check.ok ? 1 : 0);
  });
  gauge('rag_dependency_check_duration_seconds', 'How long the last readiness check of each dependency took.', ['dependency'], (g, s) => {
    for (const [name, check] of Object.entries(s.readiness.checks)) g.set({ dependency: name }, check.latencyMs / 1000);
  });
  gauge('rag_ingest_queue_jobs', 'Ingest jobs by state (absent while Redis cannot be read).', ['state'], (g, s) => {
    for (const [state, n] of Object.entries(s.queue?.counts ?? {})) g.set({ state }, n);
  });
  gauge('rag_ingest_queue_oldest_waiting_seconds', 'Age of the oldest ingest job waiting for a worker (0 when none waits).', [], (g, s) => {
    if (s.queue) g.set(s.queue.oldestWaitingS);
  });
  gauge('rag_documents', 'Documents by status: queued, processing, ready, failed.', ['status'], (g, s) => {
    for (const [status, n] of Object.entries(s.documents)) g.set({ status }, n);
  });
  gauge('rag_corpus_documents', 'Documents ready to be searched.', [], (g, s) => g.set(s.corpus.documents));
  gauge('rag_corpus_chunks', 'Chunks of the documents ready to be searched.', [], (g, s) => g.set(s.corpus.chunks));
  gauge('rag_corpus_bytes', 'Bytes of the original files of the documents ready to be searched.', [], (g, s) => g.set(s.corpus.bytes));
  gauge('rag_data_dir_free_bytes', 'Bytes free for this process on the file system under DATA_DIR.', [], (g, s) => {
    if (s.disk) g.set(s.disk.freeBytes);
  });
  gauge('rag_data_dir_size_bytes', 'Size of the file system under DATA_DIR.', [], (g, s) => {
    if (s.disk) g.set(s.disk.sizeBytes);
  });
  gauge('rag_backup_last_success_timestamp_seconds', 'When the last successful backup finished (Unix seconds; 0 when there has been none).', [], (g, s) => {
    g.set(s.backup ? Date.parse(s.backup.time) / 1000 : 0);
  });
  gauge('rag_backup_last_size_bytes', 'Size of the last successful backup (0 when there has been none).', [], (g, s) => {
    g.set(s.backup?.sizeBytes ?? 0);
  });
  gauge('rag_backup_last_duration_seconds', 'How long the last successful backup took (0 when there has been none).', [], (g, s) => {
    g.set(s.backup?.durationSeconds ?? 0);
  });
  // Without TLS_CERT_FILE there is no series at all, so no alert can fire about it.
  if (sources.tlsCertFile) {
    gauge('rag_tls_certificate_expiry_timestamp_seconds', 'When the TLS certificate in TLS_CERT_FILE expires (Unix seconds; 0 when it cannot be read).', [], (g, s) => {
      g.set(s.tlsExpiry ?? 0);
    });
  }
}

async function takeSnapshot(sources: StateSources): Promise<Snapshot> {
  const [readiness, queue, disk, backup, tlsExpiry] = await Promise.all([
    sources.health.readiness(),
    queueState(sources.queue).catch((err: unknown) => {
      sources.logger.debug({ err }, 'queue state unavailable for metrics');
      return null;
    }),
    fs.statfs(sources.dataDir).then(
      (s) => ({ freeBytes: s.bavail * s.bsize, sizeBytes: s.blocks * s.bsize }),
      () => null,
    ),
    readBackupStatus(sources.backupStatusFile),
    sources.tlsCertFile ? certificateExpiry(sources.tlsCertFile) : null,
  ]);
  return { readiness, queue, disk, backup, tlsExpiry, documents: sources.corpus.statusCounts(), corpus: sources.corpus.totals() };
}

async function queueState({ queue }: Pick<IngestQueue, 'queue'>) {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('Redis did not answer')), QUEUE_TIMEOUT_MS)));
  const read = (async () => {
    const counts = await queue.getJobCounts(...QUEUE_STATES);
    // The wait list holds the newest job first; ascending order reads from its oldest end.
    const heads = await queue.getJobs(['waiting', 'prioritized'], 0, 0, true);
    const oldest = Math.min(...heads.filter(Boolean).map((j) => j.timestamp));
    const oldestWaitingS = Number.isFinite(oldest) ? Math.max(0, (Date.now() - oldest) / 1000) : 0;
    return { counts, oldestWaitingS };
  })();
  try {
    return await Promise.race([read, late]);
  } finally {
    clearTimeout(timer);
  }
}
