/** A ranked list of ids from one retriever, best first, with that retriever's own score. */
export interface RankedList {
  ids: string[];
  /** Scores normalised to 0..1, higher is better; used by weighted fusion only. */
  scores: number[];
  weight: number;
}

/** Reciprocal rank fusion: each list adds weight / (k + rank). Robust to scores on different scales. */
export function reciprocalRankFusion(lists: RankedList[], k = 60): Map<string, number> {
  const fused = new Map<string, number>();
  for (const list of lists) {
    list.ids.forEach((id, rank) => fused.set(id, (fused.get(id) ?? 0) + list.weight / (k + rank + 1)));
  }
  return fused;
}

/** Weighted sum of normalised scores. */
export function weightedFusion(lists: RankedList[]): Map<string, number> {
  const fused = new Map<string, number>();
  for (const list of lists) {
    list.ids.forEach((id, i) => fused.set(id, (fused.get(id) ?? 0) + list.weight * (list.scores[i] ?? 0)));
  }
  return fused;
}

/** Ids by fused score, best first; ties keep a stable order by id. */
export function topIds(fused: Map<string, number>, k: number): string[] {
  return [...fused.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, k)
    .map(([id]) => id);
}

/** Min-max normalisation to 0..1, with "lower is better" inputs flipped. */
export function normalise(values: number[], lowerIsBetter: boolean): number[] {
  if (values.length === 0) return [];
  const min = Math.min(...values);
  const max = Math.max(...values);
  if (max === min) return values.map(() => 1);
  return values.map((v) => (lowerIsBetter ? (max - v) / (max - min) : (v - min) / (max - min)));
}
