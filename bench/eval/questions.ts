import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** A question file: the documents to ingest, and questions with where their answer is. */
export const questionFileSchema = z.strictObject({
  name: z.string().min(1),
  /** Files to ingest, absolute or relative to the question file. */
  documents: z.array(z.string().min(1)).min(1),
  questions: z
    .array(
      z.strictObject({
        id: z.string().min(1),
        question: z.string().min(1),
        /** File name of the document that holds the answer (as in `documents`, without folders). */
        document: z.string().min(1),
        /** Pages (1-based, as the PDF viewer counts them) where the answer is; empty for unpaged formats. */
        pages: z.array(z.number().int().min(1)),
        /** Text that shows the answer; a snippet counts when it contains one of them (case and spacing aside). */
        answer: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
      }),
    )
    .min(1),
  /**
   * Questions still without an expectation (e.g. exported from answers rated thumbs down): a person
   * gives each a document, pages and answer and moves it to `questions`. The evaluation does not run them.
   */
  review: z.array(z.strictObject({ id: z.string().min(1), question: z.string().min(1), note: z.string() })).optional(),
});
export type QuestionFile = z.infer<typeof questionFileSchema>;
export type Question = QuestionFile['questions'][number];

/** Reads and checks a question file; document paths come back absolute. */
export function readQuestionFile(file: string): QuestionFile {
  const parsed = questionFileSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${z.prettifyError(parsed.error)}`);
  const documents = parsed.data.documents.map((d) => path.resolve(path.dirname(file), d));
  const names = new Set(documents.map((d) => path.basename(d)));
  if (names.size !== documents.length) throw new Error(`${file}: two documents share a file name`);
  for (const q of parsed.data.questions) if (!names.has(q.document)) throw new Error(`${file}: question ${q.id} names ${q.document}, which is not in documents`);
  const ids = new Set(parsed.data.questions.map((q) => q.id));
  if (ids.size !== parsed.data.questions.length) throw new Error(`${file}: question ids are not unique`);
  return { ...parsed.data, documents };
}

const squash = (s: string) => s.replace(/\s+/g, ' ').trim().toLowerCase();

/** Whether a text shows the answer: contains one of the answer strings, case and spacing aside. */
export function showsAnswer(text: string, answer: Question['answer']): boolean {
  const hay = squash(text);
  return (Array.isArray(answer) ? answer : [answer]).some((a) => hay.includes(squash(a)));
}
