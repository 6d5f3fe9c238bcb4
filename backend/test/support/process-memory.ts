import { readFileSync } from 'node:fs';

function statusField(pid: number | 'self', field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const kb = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? null : Number(kb) * 1024;
  } catch {
    return null;
  }
}

/** The highest resident memory a live process has had (VmHWM), in bytes; the kernel keeps it. */
export const peakResidentBytes = (pid: number | 'self'): number => statusField(pid, 'VmHWM') ?? 0;

function descendants(pid: number): number[] {
  const found: number[] = [];
  let tasks: string[];
  try {
    tasks = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  } catch {
    return found;
  }
  for (const child of tasks.map(Number)) found.push(child, ...descendants(child));
  return found;
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

/**
 * Samples, every few milliseconds, the resident memory of every process below `pid` whose command
 * line contains `match` (e.g. the parser processes a worker starts): the highest value seen of any
 * one of them. Sampling can miss the last moments of a process killed at its cap, so this is a
 * lower bound of the true peak.
 */
export function watchDescendants(pid: number, match = '', intervalMs = 5) {
  let peak = 0;
  const seen = new Set<number>();
  const timer = setInterval(() => {
    for (const child of descendants(pid)) {
      if (!seen.has(child) && !commandLine(child).includes(match)) continue;
      seen.add(child);
      peak = Math.max(peak, statusField(child, 'VmRSS') ?? 0);
    }
  }, intervalMs);
  return {
    /** Highest resident memory seen of one descendant, in bytes. */
    peak: () => peak,
    /** How many distinct descendants were seen. */
    seen: () => seen.size,
    stop: () => clearInterval(timer),
  };
}
