/** Summary of a list of latencies in milliseconds. */
export interface Summary {
  n: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles: p95 is the value 95 % of samples are at or below. */
export function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  const at = (p: number) => (n === 0 ? NaN : sorted[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))]!);
  const mean = n === 0 ? NaN : sorted.reduce((s, v) => s + v, 0) / n;
  return { n, mean, p50: at(50), p95: at(95), p99: at(99), max: n === 0 ? NaN : sorted[n - 1]! };
}

/** Fixed decimals, or a dash for NaN. */
export function fmt(value: number, decimals = 1): string {
  return Number.isFinite(value) ? value.toFixed(decimals) : '-';
}

export const mb = (bytes: number) => bytes / (1024 * 1024);

/** Prints rows as a left-aligned text table (first row is the header). */
export function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  for (const [i, row] of rows.entries()) {
    process.stdout.write(`  ${row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ')}\n`);
    if (i === 0) process.stdout.write(`  ${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
  }
}

export const say = (line = '') => process.stdout.write(`${line}\n`);
