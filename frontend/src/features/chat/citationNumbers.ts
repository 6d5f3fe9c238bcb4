import type { SourceDto } from '@contracts/chat.ts';

const CITATION_GROUP = /\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]/g;

/**
 * The sources an answer shows, numbered 1, 2, 3… in the order the text first cites them. The
 * model cites by its own numbering ("[2]", "[6]" of eight sources retrieved); showing only the
 * cited ones under those numbers reads as if some were missing. `number` maps the model's
 * number to the one shown; a number with no source is left out (it stays plain text).
 */
export function numberShownSources(text: string, sources: SourceDto[]): { shown: SourceDto[]; number: Map<number, number> } {
  const byN = new Map(sources.map((s) => [s.n, s]));
  const number = new Map<number, number>();
  const shown: SourceDto[] = [];
  for (const match of text.matchAll(CITATION_GROUP)) {
    for (const part of match[1]!.split(',')) {
      const n = Number(part.trim());
      const source = byN.get(n);
      if (!source || number.has(n)) continue;
      number.set(n, shown.length + 1);
      shown.push({ ...source, n: shown.length + 1 });
    }
  }
  return { shown, number };
}
