import { spawn } from 'node:child_process';
import path from 'node:path';
import { REPO_DIR, freePort } from './harness.ts';

const EMULATOR = path.join(REPO_DIR, 'backend/test/support/ollama-emulator.ts');

/**
 * The Ollama emulator in its own process (latency 0), so the CPU and memory it spends building
 * embedding responses are not counted as the app's.
 */
export async function startEmulatorProcess(): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, [EMULATOR, '--host', '127.0.0.1', '--port', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the Ollama emulator did not start: ${output}`)), 30_000);
    child.stderr.on('data', (b: Buffer) => {
      output += b.toString();
      if (output.includes('listening on')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`the Ollama emulator exited with code ${code}: ${output}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
