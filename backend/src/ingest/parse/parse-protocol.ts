import type { PermanentReason } from '../ingest.errors.ts';
import type { DocumentKind, ParsedPage } from './parse.types.ts';

/** What parseFile hands the parser process (as its one argument, JSON). */
export interface ParseChildInput {
  filePath: string;
  kind: DocumentKind;
  /** The parser's memory cap: archives expanding past it are refused, and the process dies past it. */
  maxMemoryBytes: number;
}

/** What the parser process sends back: pages in order, then exactly one 'done' or 'failed'. */
export type ParseChildMessage =
  | { type: 'pages'; pages: ParsedPage[] }
  | { type: 'done'; pageCount: number | null }
  | { type: 'failed'; reason: PermanentReason | null; message: string };
