/** Latencies (ms) of each call and the wall time of a run of `count` calls, `concurrency` at a time. */
export interface LoadRun {
  latencies: number[];
  wallMs: number;
  errors: number;
  firstError?: string;
}

/**
 * Calls `fn(i)` for i in 0..count-1 with `concurrency` callers, each starting its next call as
 * soon as the previous one returns (closed loop: the offered load adapts to the service).
 */
export async function runClosedLoop(count: number, concurrency: number, fn: (i: number) => Promise<unknown>): Promise<LoadRun> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const caller = async () => {
    while (next < count) {
      const i = next++;
      const t0 = performance.now();
      try {
        await fn(i);
        latencies.push(performance.now() - t0);
      } catch (err) {
        errors++;
        firstError ??= err instanceof Error ? err.message : String(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, caller));
  return { latencies, wallMs: performance.now() - started, errors, firstError };
}
