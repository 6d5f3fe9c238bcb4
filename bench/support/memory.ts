import fs from 'node:fs';

export interface MemorySample {
  t: number;
  rss: number;
  heapUsed: number;
  /** Resident memory of the parser processes alive at the time (the app's children), 0 when none. */
  parserRss: number;
  /** Resident memory of the other process watched (Chroma), when there is one. */
  otherRss: number | null;
}

/**
 * Samples this process's RSS and heap every `intervalMs`, the resident memory of the parser
 * processes the app starts (its children running `parse.child.ts`, read from /proc, so the app's
 * code is not touched), and the RSS of another process.
 */
export function startMemorySampler(intervalMs: number, otherPid?: number) {
  const samples: MemorySample[] = [];
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    const parserRss = childPids('parse.child').reduce((sum, pid) => sum + (rssOf(pid) ?? 0), 0);
    samples.push({ t: performance.now(), rss: m.rss, heapUsed: m.heapUsed, parserRss, otherRss: otherPid ? rssOf(otherPid) : null });
  }, intervalMs);

  return {
    samples,
    /** Samples taken between two performance.now() times. */
    between(from: number, to: number): MemorySample[] {
      return samples.filter((s) => s.t >= from && s.t <= to);
    },
    stop() {
      clearInterval(timer);
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
  let children: string[];
  try {
    children = fs.readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  } catch {
    return found;
  }
  for (const entry of children) {
    try {
      if (fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(needle)) found.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}
