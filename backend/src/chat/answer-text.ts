// Model output and source text are untrusted: a document can tell the model to emit an image
// whose URL carries data out, and a client that renders the answer would load it. Markdown
// images (`![alt](url "title")`, anything but a data: URI) and HTML `<img …>` tags become
// `[image: alt]`, keeping what the image was about and losing the load. The same scanner serves
// whole texts and streamed answers, so what streams is exactly what is stored.

const ALT_MAX = 500;
const URL_MAX = 2000;
const TITLE_MAX = 500;
const SPACE_MAX = 100;
const TAG_MAX = 2000;

type Scan = { kind: 'image'; end: number; replacement: string } | { kind: 'text' } | { kind: 'more' };
const TEXT: Scan = { kind: 'text' };
const MORE: Scan = { kind: 'more' };
const isSpace = (c: string) => /\s/.test(c);

function imageLabel(alt: string): string {
  // The alt text cannot hold a Markdown image (no `]`), but it can hold an <img> tag.
  const label = neutraliseRemoteImages(alt);
  return label ? `[image: ${label}]` : '[image]';
}

/** `s[p]` is `!`: a Markdown image starting there, text, or not yet decidable. */
function scanMarkdownImage(s: string, p: number): Scan {
  let i = p + 1;
  const at = () => (i < s.length ? s[i]! : null);
  if (at() === null) return MORE;
  if (at() !== '[') return TEXT;
  const altStart = ++i;
  for (;;) {
    const c = at();
    if (c === null) return MORE;
    if (c === ']') break;
    if (c === '\n' || i - altStart >= ALT_MAX) return TEXT;
    i++;
  }
  const alt = s.slice(altStart, i++);
  if (at() === null) return MORE;
  if (at() !== '(') return TEXT;
  i++;
  const skipSpaces = (): number | null => {
    const from = i;
    while (at() !== null && isSpace(at()!)) if (++i - from > SPACE_MAX) return null;
    return i - from;
  };
  if (skipSpaces() === null) return TEXT;
  if (at() === null) return MORE;
  if (at() === '<') i++;
  const urlStart = i;
  for (;;) {
    const c = at();
    if (c === null) return MORE;
    if (c === ')' || c === '>' || isSpace(c)) break;
    if (i - urlStart >= URL_MAX) return TEXT;
    i++;
  }
  if (i === urlStart) return TEXT;
  if (s.slice(urlStart, urlStart + 5).toLowerCase() === 'data:') return TEXT;
  if (at() === '>') i++;
  const spaces = skipSpaces();
  if (spaces === null) return TEXT;
  if (at() === null) return MORE;
  if (at() === '"' && spaces > 0) {
    const titleStart = ++i;
    for (;;) {
      const c = at();
      if (c === null) return MORE;
      if (c === '"') break;
      if (c === '\n' || i - titleStart >= TITLE_MAX) return TEXT;
      i++;
    }
    i++;
    if (skipSpaces() === null) return TEXT;
    if (at() === null) return MORE;
  }
  if (at() !== ')') return TEXT;
  return { kind: 'image', end: i + 1, replacement: imageLabel(alt) };
}

/** `s[p]` is `<`: an HTML img tag starting there, text, or not yet decidable. */
function scanHtmlImage(s: string, p: number): Scan {
  const name = s.slice(p + 1, p + 4);
  if (!'img'.startsWith(name.toLowerCase())) return TEXT;
  if (name.length < 3 || p + 4 >= s.length) return MORE;
  if (/\w/.test(s[p + 4]!)) return TEXT;
  const close = s.indexOf('>', p + 4);
  if (close === -1) return s.length - (p + 4) > TAG_MAX ? TEXT : MORE;
  return close - (p + 4) > TAG_MAX ? TEXT : { kind: 'image', end: close + 1, replacement: '[image]' };
}

/** Neutralises images in a text that arrives in pieces; a possible image is held back until it is decided. */
export interface ImageFilter {
  /** Takes the next piece; returns the text that is safe to pass on now. */
  push(piece: string): string;
  /** The input is complete: returns what was held back, neutralised. Later calls return ''. */
  end(): string;
}

export function createImageFilter(): ImageFilter {
  let pending = '';
  const drain = (final: boolean): string => {
    let out = '';
    let i = 0;
    for (;;) {
      const next = pending.slice(i).search(/[!<]/);
      if (next === -1) {
        out += pending.slice(i);
        pending = '';
        return out;
      }
      const p = i + next;
      out += pending.slice(i, p);
      let scan = pending[p] === '!' ? scanMarkdownImage(pending, p) : scanHtmlImage(pending, p);
      if (scan.kind === 'more' && final) scan = TEXT;
      if (scan.kind === 'more') {
        pending = pending.slice(p);
        return out;
      }
      if (scan.kind === 'image') {
        out += scan.replacement;
        i = scan.end;
      } else {
        out += pending[p];
        i = p + 1;
      }
    }
  };
  return {
    push: (piece) => {
      pending += piece;
      return drain(false);
    },
    end: () => drain(true),
  };
}

/** The whole-text form of the image filter, for answers and snippets that are already complete. */
export function neutraliseRemoteImages(text: string): string {
  const filter = createImageFilter();
  return filter.push(text) + filter.end();
}

/** Source text can say anything; it must not close the fence that marks it as data. */
export function fenceSafe(text: string): string {
  return text.replace(/<\/?\s*sources\s*>/gi, (m) => m.replace(/</g, '‹').replace(/>/g, '›'));
}
