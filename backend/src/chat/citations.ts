import { neutraliseRemoteImages } from './answer-text.ts';
import type { CitationDto, SourceDto } from '../contracts/chat.ts';
import { contentWords } from '../retrieval/keywords.ts';
import type { RetrievedChunk } from '../retrieval/retrieval.service.ts';

const SNIPPET_MAX = 300;

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

/** The sentence (or run of sentences) of a chunk that shares most words with the question, capped in length. */
export function snippetFor(text: string, question: string): string {
  const words = new Set(contentWords(question, 64));
  const sentences = text.replace(/\s+/g, ' ').split(/(?<=[.!?])\s+/).filter(Boolean);
  if (sentences.length === 0) return '';
  let best = 0;
  let bestScore = -1;
  sentences.forEach((sentence, i) => {
    const score = contentWords(sentence, 256).filter((w) => words.has(w)).length;
    if (score > bestScore) [best, bestScore] = [i, score];
  });
  let snippet = sentences[best]!;
  for (let i = best + 1; i < sentences.length && snippet.length + sentences[i]!.length < SNIPPET_MAX; i++) snippet += ` ${sentences[i]}`;
  return snippet.length > SNIPPET_MAX ? `${snippet.slice(0, SNIPPET_MAX - 1)}…` : snippet;
}
