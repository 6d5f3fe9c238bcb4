import { describe, expect, it } from 'vitest';
import type { SourceDto } from '@contracts/chat.ts';
import { renderMarkdown } from './markdown.ts';
import { numberShownSources } from './citationNumbers.ts';

const source = (n: number): SourceDto => ({ n, documentId: `doc-${n}`, filename: `file${n}.pdf`, page: n, snippet: `snippet ${n}` });
const eight = [1, 2, 3, 4, 5, 6, 7, 8].map(source);

describe('citation numbers', () => {
  it('numbers the cited sources 1, 2… in the order the text cites them, whatever the model called them', () => {
    const text = 'The eruption was loud [6]. It was in 1883 [2, 6]. Nothing cites [9].';
    const { shown, number } = numberShownSources(text, eight);
    expect(shown.map((s) => [s.n, s.filename])).toEqual([
      [1, 'file6.pdf'],
      [2, 'file2.pdf'],
    ]);
    expect([...number]).toEqual([
      [6, 1],
      [2, 2],
    ]);
  });

  it('shows the chips with the numbers shown and leaves an unknown number as text', () => {
    const text = 'Loud [6]. In 1883 [2]. Unknown [9].';
    const html = renderMarkdown(text, numberShownSources(text, eight).number);
    const el = document.createElement('div');
    el.innerHTML = html;
    expect([...el.querySelectorAll('.cite-chip')].map((c) => [c.textContent, c.getAttribute('aria-label')])).toEqual([
      ['1', 'Source 1'],
      ['2', 'Source 2'],
    ]);
    expect(el.textContent).toContain('[9]');
  });
});
