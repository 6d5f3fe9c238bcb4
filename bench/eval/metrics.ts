import type { Question } from './questions.ts';
import { showsAnswer } from './questions.ts';

/** One retrieved source as the evaluation sees it. */
export interface Retrieved {
  filename: string;
  page: number | null;
  snippet: string;
}

export interface QuestionResult {
  id: string;
  /** 1-based rank of the first source on an expected page of the expected document; null if none in the top k. */
  rank: number | null;
  /** Whether that source's snippet shows the answer (null when no source was right). */
  snippetShowsAnswer: boolean | null;
  /** What was retrieved (kept for the default setting only). */
  sources?: { filename: string; page: number | null; text: string }[];
}

export interface Scores {
  questions: number;
  hitAt1: number;
  hitAtK: number;
  mrr: number;
  /** Of the questions with a right source in the top k, the share whose snippet shows the answer. */
  snippetShowsAnswer: number;
  answered: number;
}

/** Whether a source is where the question's answer is. An unpaged document matches on its name. */
export function isRight(source: Retrieved, q: Question): boolean {
  if (source.filename !== q.document) return false;
  return q.pages.length === 0 || (source.page !== null && q.pages.includes(source.page));
}

export function judge(q: Question, sources: Retrieved[]): QuestionResult {
  const index = sources.findIndex((s) => isRight(s, q));
  if (index === -1) return { id: q.id, rank: null, snippetShowsAnswer: null };
  return { id: q.id, rank: index + 1, snippetShowsAnswer: showsAnswer(sources[index]!.snippet, q.answer) };
}

export function score(results: QuestionResult[]): Scores {
  const n = results.length;
  const answered = results.filter((r) => r.rank !== null);
  return {
    questions: n,
    hitAt1: results.filter((r) => r.rank === 1).length / n,
    hitAtK: answered.length / n,
    mrr: results.reduce((sum, r) => sum + (r.rank === null ? 0 : 1 / r.rank), 0) / n,
    snippetShowsAnswer: answered.length === 0 ? 0 : answered.filter((r) => r.snippetShowsAnswer).length / answered.length,
    answered: answered.length,
  };
}
