import type { PermanentReason } from '../ingest.errors.ts';
import type { DocumentKind, ParsedPage } from './parse.types.ts';

/** What parseFile hands the worker thread. */
export interface ParseWorkerInput {
  filePath: string;
  kind: DocumentKind;
}

/** What the worker thread sends back: pages in order, then exactly one 'done' or 'failed'. */
export type ParseWorkerMessage =
  | { type: 'pages'; pages: ParsedPage[] }
  | { type: 'done'; pageCount: number | null }
  | { type: 'failed'; reason: PermanentReason | null; message: string };
