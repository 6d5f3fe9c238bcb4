import dc from 'node:diagnostics_channel';
import fs from 'node:fs';
import type { Worker } from 'node:worker_threads';

export interface MemorySample {
  t: number;
  rss: number;
  heapUsed: number;
  /** Heap committed by worker threads alive at the time (the parser's), 0 when none. */
  workerHeap: number;
  /** Resident memory of the other process watched (Chroma), when there is one. */
  otherRss: number | null;
}

/**
 * Samples this process's RSS and heap every `intervalMs`, plus the committed V8 heap of every
 * worker thread (seen through the `worker_threads` diagnostics channel, so the app's code is not
 * touched) and the RSS of another process read from /proc.
 */
export function startMemorySampler(intervalMs: number, otherPid?: number) {
  const samples: MemorySample[] = [];
  const workers = new Set<Worker>();
  let workerHeap = 0;
  const onWorker = (message: unknown) => {
    const worker = (message as { worker: Worker }).worker;
    worker.once('online', () => workers.add(worker));
    worker.once('exit', () => workers.delete(worker));
  };
  dc.subscribe('worker_threads', onWorker);

  const pollWorkers = async () => {
    let total = 0;
    for (const w of workers) total += await w.getHeapStatistics().then((s) => s.total_physical_size + s.external_memory, () => 0);
    workerHeap = total;
  };
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    samples.push({ t: performance.now(), rss: m.rss, heapUsed: m.heapUsed, workerHeap: workers.size > 0 ? workerHeap : 0, otherRss: otherPid ? rssOf(otherPid) : null });
    void pollWorkers();
  }, intervalMs);

  return {
    samples,
    /** Samples taken between two performance.now() times. */
    between(from: number, to: number): MemorySample[] {
      return samples.filter((s) => s.t >= from && s.t <= to);
    },
    stop() {
      clearInterval(timer);
      dc.unsubscribe('worker_threads', onWorker);
    },
  };
}

/** Resident set size of a process in bytes, from /proc (Linux), or null when it is gone. */
export function rssOf(pid: number): number | null {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : null;
  } catch {
    return null;
  }
}

/** Child processes of this one whose command line contains `needle` (e.g. the local Chroma). */
export function childPids(needle: string): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(fs.readFileSync(`/proc/${entry}/stat`, 'utf8').replace(/^.*\)\s+\S+\s+/, '').split(' ')[0]);
      if (ppid === process.pid && fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(needle)) found.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}
