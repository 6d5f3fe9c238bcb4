/**
 * The real product as its own process (`node src/main.ts`), for tests that read its log output as
 * an operator would, or that need it to live apart from the test process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const MAIN = path.resolve(import.meta.dirname, '../../src/main.ts');

export interface ApiProcess {
  child: ChildProcess;
  baseUrl: string;
  port: number;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Its JSON log lines so far (other output skipped). */
  logLines(): Record<string, unknown>[];
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

/**
 * Starts main.ts (or `command`, e.g. the start script, in `cwd`) with exactly `env` (plus PATH,
 * HOME and TMPDIR) and waits until the api listens.
 */
export async function startApiProcess(env: Record<string, string>, options: { command?: string[]; cwd?: string; timeoutMs?: number } = {}): Promise<ApiProcess> {
  const [file, ...args] = options.command ?? [process.execPath, MAIN];
  const inherited = Object.fromEntries(['PATH', 'HOME', 'TMPDIR'].flatMap((k) => (process.env[k] ? [[k, process.env[k]]] : [])));
  const child = spawn(file!, args, { cwd: options.cwd, env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const timeoutMs = options.timeoutMs ?? 60_000;
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + timeoutMs;
  let port = 0;
  while (!port) {
    const listening = output.split('\n').find((l) => l.includes('"msg":"api listening"'));
    if (listening) port = (JSON.parse(listening) as { address: { port: number } }).address.port;
    else if (child.exitCode !== null) throw new Error(`the api exited with code ${child.exitCode}:\n${output}`);
    else if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the api did not start:\n${output}`);
    }
    else await new Promise((r) => setTimeout(r, 50));
  }
  return {
    child,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    output: () => output,
    logLines: () =>
      output
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
