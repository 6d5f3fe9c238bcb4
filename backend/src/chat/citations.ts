import { neutraliseRemoteImages } from './answer-text.ts';
import type { CitationDto, SourceDto } from '../contracts/chat.ts';
import type { RetrievedChunk } from '../retrieval/retrieval.service.ts';
import { snippetFor } from './snippet.ts';

/** The sources as the client sees them: numbered from 1, with a snippet (images neutralised) that matches the question. */
export function presentSources(sources: RetrievedChunk[], question: string): SourceDto[] {
  return sources.map((s, i) => ({ n: i + 1, documentId: s.documentId, filename: s.filename, page: s.page, snippet: snippetFor(neutraliseRemoteImages(s.text), question) }));
}

/** Maps each [n] the answer cites (in order of first mention) to its source. Numbers with no source are ignored. */
export function extractCitations(answer: string, sources: RetrievedChunk[], presented: SourceDto[]): CitationDto[] {
  const cited: CitationDto[] = [];
  const seen = new Set<number>();
  for (const match of answer.matchAll(/\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]/g)) {
    for (const part of match[1]!.split(',')) {
      const n = Number(part.trim());
      const source = sources[n - 1];
      if (!source || seen.has(n)) continue;
      seen.add(n);
      cited.push({ ...presented[n - 1]!, chunkId: source.chunkId });
    }
  }
  return cited;
}
