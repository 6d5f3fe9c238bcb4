import { Tokenizer } from 'htmlparser2';

/** Elements whose content is never document text. */
const DROPPED = new Set(['script', 'style', 'noscript', 'template', 'title', 'svg', 'math', 'iframe', 'object', 'textarea', 'select']);
/** Elements that end a paragraph. */
const BLOCKS = new Set([
  'address', 'article', 'aside', 'blockquote', 'body', 'caption', 'dd', 'details', 'dialog', 'div', 'dl', 'dt',
  'fieldset', 'figcaption', 'figure', 'footer', 'form', 'header', 'hgroup', 'hr', 'html', 'legend', 'li', 'main',
  'nav', 'ol', 'p', 'pre', 'section', 'summary', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'ul',
]);
const CELLS = new Set(['td', 'th']);

/**
 * Turns HTML into plain text: headings become `# ` lines, block elements paragraph breaks,
 * entities decoded, scripts/styles dropped. It uses htmlparser2's tokenizer (a streaming state
 * machine that reads each character once, with the HTML spec's entity decoding) rather than its
 * Parser, whose open-element stack costs time per nested tag: hostile input (unclosed comments,
 * millions of `<`, deep nesting) stays linear. No element stack is kept here either: the text
 * only needs the heading level, the `pre` depth and the dropped element being skipped.
 */
export function htmlToText(html: string): string {
  const out: string[] = [];
  /** The text since the last tag: entities arrive apart from it and whitespace folds across them. */
  let run: string[] = [];
  let headingLevel = 0;
  let preDepth = 0;
  /** The dropped element being skipped (everything up to its first end tag), or null. */
  let dropping: string | null = null;
  let tagName = '';
  let closing = false;

  const flushText = (): void => {
    if (run.length === 0) return;
    let text = run.join('');
    run = [];
    if (headingLevel > 0 || preDepth === 0) text = text.replace(/\s+/g, ' ');
    out.push(text);
  };

  const endTag = (selfClosing: boolean): void => {
    const name = tagName;
    if (dropping !== null) {
      if (closing && name === dropping) dropping = null;
      return;
    }
    if (!closing && !selfClosing && DROPPED.has(name)) {
      dropping = name;
      return;
    }
    handleTag(name, closing, selfClosing);
  };

  const tokenizer = new Tokenizer(
    { decodeEntities: true },
    {
      ontext(start, end) {
        if (dropping === null) run.push(html.slice(start, end));
      },
      ontextentity(codepoint) {
        if (dropping === null) run.push(String.fromCodePoint(codepoint));
      },
      oncdata(start, end, endOffset) {
        flushText();
        if (dropping === null) out.push(html.slice(start, end - endOffset));
      },
      onopentagname(start, end) {
        flushText();
        tagName = html.slice(start, end).toLowerCase();
        closing = false;
      },
      onclosetag(start, end) {
        flushText();
        tagName = html.slice(start, end).toLowerCase();
        closing = true;
        endTag(false);
      },
      onopentagend: () => endTag(false),
      onselfclosingtag: () => endTag(true),
      oncomment: flushText,
      ondeclaration: flushText,
      onprocessinginstruction: flushText,
      onattribname: () => undefined,
      onattribdata: () => undefined,
      onattribentity: () => undefined,
      onattribend: () => undefined,
      onend: flushText,
    },
  );
  tokenizer.write(html);
  tokenizer.end();
  return out.join('');

  function handleTag(name: string, isClosing: boolean, selfClosing: boolean): void {
    const heading = /^h[1-6]$/.test(name) ? Number(name[1]) : 0;
    if (heading > 0) {
      headingLevel = isClosing ? 0 : heading;
      out.push(isClosing ? '\n\n' : `\n\n${'#'.repeat(heading)} `);
    } else if (name === 'br') {
      out.push(headingLevel > 0 ? ' ' : '\n');
    } else if (name === 'pre') {
      preDepth = Math.max(0, preDepth + (isClosing ? -1 : selfClosing ? 0 : 1));
      out.push('\n\n');
    } else if (CELLS.has(name)) {
      if (!isClosing) out.push('\t');
    } else if (BLOCKS.has(name)) {
      out.push(headingLevel > 0 ? ' ' : '\n\n');
    }
  }
}
