import { decodeEntities } from './html-entities.ts';

/** Elements whose content is never document text. */
const DROPPED = new Set(['script', 'style', 'noscript', 'template', 'title', 'svg', 'math', 'iframe', 'object', 'textarea', 'select']);
/** Elements that end a paragraph. */
const BLOCKS = new Set([
  'address', 'article', 'aside', 'blockquote', 'body', 'caption', 'dd', 'details', 'dialog', 'div', 'dl', 'dt',
  'fieldset', 'figcaption', 'figure', 'footer', 'form', 'header', 'hgroup', 'hr', 'html', 'legend', 'li', 'main',
  'nav', 'ol', 'p', 'pre', 'section', 'summary', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'ul',
]);
const CELLS = new Set(['td', 'th']);
const TAG_NAME = /[A-Za-z][A-Za-z0-9-]*/y;

/**
 * Turns HTML into plain text: headings become `# ` lines, block elements paragraph breaks,
 * entities decoded, scripts/styles dropped. A single linear scan, so hostile input
 * (unclosed comments, millions of `<`) cannot make it slow.
 */
export function htmlToText(html: string): string {
  const out: string[] = [];
  const n = html.length;
  let headingLevel = 0;
  let preDepth = 0;
  let textStart = 0;
  let searchFrom = 0;

  const emitText = (end: number): void => {
    if (end <= textStart) return;
    let text = decodeEntities(html.slice(textStart, end));
    if (headingLevel > 0 || preDepth === 0) text = text.replace(/\s+/g, ' ');
    out.push(text);
  };

  for (;;) {
    const lt = html.indexOf('<', searchFrom);
    if (lt === -1) break;
    const next = html.charCodeAt(lt + 1);
    const closing = next === 47; /* / */
    let i: number;

    if (next === 33 /* ! */ || next === 63 /* ? */) {
      emitText(lt);
      if (html.startsWith('<!--', lt)) {
        i = endAfter(html, '-->', lt + 4);
      } else if (html.slice(lt, lt + 9).toUpperCase() === '<![CDATA[') {
        const end = html.indexOf(']]>', lt + 9);
        out.push(html.slice(lt + 9, end === -1 ? n : end));
        i = end === -1 ? n : end + 3;
      } else {
        i = endAfter(html, '>', lt);
      }
      textStart = searchFrom = i;
      continue;
    }
    TAG_NAME.lastIndex = lt + (closing ? 2 : 1);
    const match = TAG_NAME.exec(html);
    if (!match) {
      // A `<` that starts no tag is text, as in a browser.
      searchFrom = lt + 1;
      continue;
    }
    emitText(lt);
    const name = match[0].toLowerCase();
    const tagEnd = findTagEnd(html, TAG_NAME.lastIndex);
    const selfClosing = tagEnd > 0 && html.charCodeAt(tagEnd - 1) === 47;
    i = tagEnd === -1 ? n : tagEnd + 1;

    if (!closing && !selfClosing && DROPPED.has(name)) {
      const endTag = new RegExp(`</${name}`, 'gi');
      endTag.lastIndex = i;
      const found = endTag.exec(html);
      i = found ? endAfter(html, '>', found.index) : n;
    } else {
      handleTag(name, closing, selfClosing);
    }
    textStart = searchFrom = i;
  }
  emitText(n);
  return out.join('');

  function handleTag(name: string, closing: boolean, selfClosing: boolean): void {
    const heading = /^h[1-6]$/.test(name) ? Number(name[1]) : 0;
    if (heading > 0) {
      headingLevel = closing ? 0 : heading;
      out.push(closing ? '\n\n' : `\n\n${'#'.repeat(heading)} `);
    } else if (name === 'br') {
      out.push(headingLevel > 0 ? ' ' : '\n');
    } else if (name === 'pre') {
      preDepth = Math.max(0, preDepth + (closing ? -1 : selfClosing ? 0 : 1));
      out.push('\n\n');
    } else if (CELLS.has(name)) {
      if (!closing) out.push('\t');
    } else if (BLOCKS.has(name)) {
      out.push(headingLevel > 0 ? ' ' : '\n\n');
    }
  }
}

/** Index of the `>` that ends a tag starting before `from`, skipping quoted attribute values. */
function findTagEnd(html: string, from: number): number {
  let quote = 0;
  for (let j = from; j < html.length; j++) {
    const c = html.charCodeAt(j);
    if (quote !== 0) {
      if (c === quote) quote = 0;
    } else if (c === 34 || c === 39) {
      quote = c;
    } else if (c === 62) {
      return j;
    }
  }
  return -1;
}

/** Position just after the next `token` at or after `from`, or the end of the text. */
function endAfter(html: string, token: string, from: number): number {
  const end = html.indexOf(token, from);
  return end === -1 ? html.length : end + token.length;
}
