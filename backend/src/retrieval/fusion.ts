/** A ranked list of ids from one retriever, best first, with that retriever's own score. */
export interface RankedList {
  ids: string[];
  /** Scores normalised to 0..1, higher is better; used by weighted fusion only. */
  scores: number[];
  weight: number;
}

export type FusionMethod = 'rrf' | 'weighted';

/**
 * Reciprocal rank fusion: each list adds weight / (k + rank), rank from 1. A small k makes the
 * first ranks count much more than the rest, so one leg's best hit outscores the other leg's
 * long tail; k = 60 (the textbook value) flattens the ranks so much that a long list wins on
 * length alone.
 */
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

/**
 * Fuses the lists and returns the best k ids, making room for the first id of every list that
 * has a weight: whatever the weights, a chunk that one retriever ranks first always reaches the
 * top k (when k is at least the number of lists), taking the place of the lowest fused id that
 * no list ranks first.
 */
export function fuseTopK(lists: RankedList[], k: number, method: FusionMethod, rrfK: number): { ids: string[]; scores: Map<string, number> } {
  const fused = method === 'rrf' ? reciprocalRankFusion(lists, rrfK) : weightedFusion(lists);
  const ids = topIds(fused, k);
  const leaders = [...new Set(lists.filter((l) => l.weight > 0 && l.ids.length > 0).map((l) => l.ids[0]!))];
  for (const leader of leaders) {
    if (ids.includes(leader)) continue;
    if (ids.length < k) {
      ids.push(leader);
      continue;
    }
    for (let i = ids.length - 1; i >= 0; i--) {
      if (!leaders.includes(ids[i]!)) {
        ids[i] = leader;
        break;
      }
    }
  }
  ids.sort((a, b) => (fused.get(b) ?? 0) - (fused.get(a) ?? 0) || (a < b ? -1 : 1));
  return { ids, scores: fused };
}

/** Min-max normalisation to 0..1, with "lower is better" inputs flipped. */
export function normalise(values: number[], lowerIsBetter: boolean): number[] {
  if (values.length === 0) return [];
  const min = Math.min(...values);
  const max = Math.max(...values);
  if (max === min) return values.map(() => 1);
  return values.map((v) => (lowerIsBetter ? (max - v) / (max - min) : (v - min) / (max - min)));
}
