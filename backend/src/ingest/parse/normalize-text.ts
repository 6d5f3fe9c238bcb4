export interface NormalizeOptions {
  /** Join words a PDF broke across lines with a hyphen ("con-\nducted" -> "conducted"). */
  dehyphenate?: boolean;
}

// C0/C1 controls except tab and newline, plus soft hyphen, zero-width and bidi marks, BOM and
// the replacement-prone noncharacters: invisible in a document, noise in an index.
const INVISIBLE = /[\u0000-\u0008\u000B\u000E-\u001F\u007F-\u009F\u00AD\u200B-\u200F\u202A-\u202E\u2060-\u2064\uFEFF\uFFFE\uFFFF]/g;
// Horizontal whitespace other than tab: spaces, no-break and typographic spaces.
const SPACE_RUN = /[ \u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]+/g;
const HYPHEN_BREAK = /(\p{Ll})-\n(\p{Ll})/gu;

/**
 * Makes extracted text uniform: NFC, LF line ends, no control or invisible characters,
 * single spaces, no trailing blanks on lines, at most one blank line in a row.
 */
export function normalizeText(text: string, options: NormalizeOptions = {}): string {
  let out = text
    .normalize('NFC')
    .replace(/\r\n?|[\u000C\u2028\u2029\u0085]/g, '\n')
    .replace(INVISIBLE, '')
    .replace(SPACE_RUN, ' ')
    // After these two steps every run of blanks is one character long, so the next
    // pattern cannot backtrack across a long run (hostile input stays linear).
    .replace(/[ \t]*\t[ \t]*/g, '\t')
    .replace(/[ \t]?\n[ \t]?/g, '\n');
  if (options.dehyphenate) out = out.replace(HYPHEN_BREAK, '$1$2');
  return out.replace(/\n{3,}/g, '\n\n').trim();
}
