import type { RatedAnswer } from './feedback.repository.ts';

/** One question of the retrieval evaluation's question file (bench/eval/questions.ts). */
export interface EvalQuestion {
  id: string;
  question: string;
  document: string;
  pages: number[];
  answer: string;
}

/** The retrieval evaluation's question file, built from feedback; `review` holds what a person must still complete. */
export interface EvalQuestionFile {
  name: string;
  documents: string[];
  questions: EvalQuestion[];
  review: { id: string; question: string; note: string }[];
}

/** The longest piece of a snippet between its "…" cut marks: text the document holds as it is. */
function passage(snippet: string): string {
  return snippet
    .split('…')
    .map((p) => p.replace(/\s+/g, ' ').trim())
    .reduce((a, b) => (b.length > a.length ? b : a), '');
}

/**
 * Rated answers as evaluation questions. A thumbs-up answer says its cited sources were right: its
 * question expects the first cited document, the pages cited from it, and a passage of the first
 * citation's snippet. A thumbs-down answer (or one without a usable citation) goes to `review` with
 * the rater's comment, for a person to give its expectation. `documents` names the expected files.
 */
export function feedbackAsQuestions(rated: RatedAnswer[], name: string): EvalQuestionFile {
  const questions: EvalQuestion[] = [];
  const review: EvalQuestionFile['review'] = [];
  const seen = new Set<string>();
  let n = 0;
  for (const r of rated) {
    const question = r.question?.trim();
    if (!question || seen.has(question)) continue;
    seen.add(question);
    const id = `feedback-${String(++n).padStart(3, '0')}`;
    const first = r.citations[0];
    const answer = first ? passage(first.snippet) : '';
    if (r.rating === 'up' && first && answer) {
      const pages = [...new Set(r.citations.filter((c) => c.documentId === first.documentId && c.page !== null).map((c) => c.page!))].sort((a, b) => a - b);
      questions.push({ id, question, document: first.filename, pages, answer });
    } else {
      review.push({ id, question, note: r.rating === 'up' ? 'rated good, but the answer cited no source' : `rated bad${r.comment ? `: ${r.comment}` : ''}` });
    }
  }
  return { name, documents: [...new Set(questions.map((q) => q.document))], questions, review };
}
