/** The document formats the product accepts. */
export const DOCUMENT_KINDS = ['pdf', 'docx', 'txt', 'md', 'html'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** Text of one page (PDF) or of the whole document (other formats: page is null). */
export interface ParsedPage {
  page: number | null;
  text: string;
}

export interface ParsedDocument {
  pages: ParsedPage[];
  /** Number of pages for paged formats, null otherwise. */
  pageCount: number | null;
  /**
   * How to read lines that start with `#`: as Markdown headings ('markdown': Markdown, and
   * HTML and DOCX, whose parsers write headings that way) or as plain text ('none': PDF and
   * TXT, where such lines are code comments or prompts). Absent means 'markdown'.
   */
  headings?: 'markdown' | 'none';
}

/** One retrievable piece of a document. `index` is dense from 0 and stable for the same input. */
export interface Chunk {
  index: number;
  text: string;
  page: number | null;
  heading: string | null;
}

export interface ParseLimits {
  /** Wall-clock cap for parsing one file. */
  timeoutMs: number;
  /** Cap of the parser process's whole resident memory, in MB; archives may not expand past it either. */
  maxMemoryMb: number;
}

export interface ChunkOptions {
  /** Target chunk length in characters. */
  size: number;
  /** Characters repeated from the end of the previous chunk. */
  overlap: number;
}
