import DOMPurify, { type Config } from 'dompurify';
import { Marked, type Tokens } from 'marked';

/**
 * Model output to safe HTML: markdown by marked, then DOMPurify. Model output is untrusted (a
 * document can carry a prompt injection), so nothing in it may load anything from elsewhere:
 * images are kept only as data: URLs, every other <img> becomes a text placeholder, and tags or
 * attributes that can fetch (media, frames, styles, srcset…) are removed. `[n]` becomes a
 * citation chip (a button with data-cite) when source n exists.
 */

const CITATION = /^\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]/;
const DATA_IMAGE = /^data:image\//i;
const BLOCKED = 'data-blocked-image';

let knownSources: ReadonlyMap<number, number> = new Map();

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function blockedImage(alt: string): string {
  return `<span class="blocked-image" title="Remote images are never loaded">[image${alt ? `: ${escapeHtml(alt)}` : ''}]</span>`;
}

interface CitationToken extends Tokens.Generic {
  numbers: number[];
}

const marked = new Marked({ gfm: true, breaks: false, async: false });
marked.use({
  extensions: [
    {
      name: 'citation',
      level: 'inline',
      start: (src: string) => {
        const at = src.search(/\[\d/);
        return at === -1 ? undefined : at;
      },
      tokenizer(src: string): CitationToken | undefined {
        const match = CITATION.exec(src);
        if (!match) return undefined;
        return { type: 'citation', raw: match[0], numbers: match[1]!.split(',').map((n) => Number(n.trim())) };
      },
      renderer(token) {
        return (token as CitationToken).numbers
          .map((n) =>
          {
            const shown = knownSources.get(n);
            return shown === undefined ? `[${n}]` : `<button type="button" class="cite-chip" data-cite="${shown}" aria-label="Source ${shown}">${shown}</button>`;
          },
          )
          .join('');
      },
    },
  ],
  renderer: {
    image({ href, text }: Tokens.Image) {
      if (!DATA_IMAGE.test(href)) return blockedImage(text);
      return false;
    },
  },
});

const purify = DOMPurify(window);
purify.addHook('afterSanitizeAttributes', (node) => {
  if (node.nodeName === 'IMG') {
    // The rule itself, whatever produced the tag (raw HTML in the model output included).
    const src = node.getAttribute('src') ?? '';
    if (!DATA_IMAGE.test(src)) {
      node.removeAttribute('src');
      node.setAttribute(BLOCKED, '');
    }
  }
  if (node.nodeName === 'A' && node.hasAttribute('href')) {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer nofollow');
  }
});

const SANITIZE: Config & { RETURN_DOM_FRAGMENT: true } = {
  USE_PROFILES: { html: true },
  FORBID_TAGS: ['style', 'link', 'meta', 'base', 'form', 'input', 'textarea', 'select', 'iframe', 'frame', 'object', 'embed', 'video', 'audio', 'source', 'track', 'picture', 'template', 'dialog'],
  FORBID_ATTR: ['style', 'srcset', 'poster', 'background', 'action', 'formaction', 'ping', 'srcdoc', 'lowsrc', 'dynsrc', 'longdesc', 'usemap', 'xlink:href'],
  ADD_ATTR: ['target'],
  ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|#|\/(?!\/)|data:image\/)/i,
  RETURN_DOM_FRAGMENT: true,
};

/**
 * Safe HTML for a piece of model output; `sources` are the citation numbers that exist, either
 * a list (shown as they are) or a map from the model's number to the number shown.
 */
export function renderMarkdown(text: string, sources: Iterable<number> | ReadonlyMap<number, number> = []): string {
  knownSources = sources instanceof Map ? sources : new Map([...(sources as Iterable<number>)].map((n) => [n, n]));
  const html = marked.parse(text) as string;
  knownSources = new Map();
  const fragment = purify.sanitize(html, SANITIZE);
  for (const img of fragment.querySelectorAll(`img[${BLOCKED}]`)) {
    const holder = document.createElement('span');
    holder.innerHTML = blockedImage(img.getAttribute('alt') ?? '');
    img.replaceWith(...holder.childNodes);
  }
  const container = document.createElement('div');
  container.append(fragment);
  return container.innerHTML;
}

