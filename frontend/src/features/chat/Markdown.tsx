import { useMemo, type MouseEvent } from 'react';
import { renderMarkdown } from './markdown.ts';

interface MarkdownProps {
  text: string;
  /** The model's citation numbers that have a source, mapped to the number shown; others stay plain text. */
  sources: ReadonlyMap<number, number>;
  /** Called with the number shown on the chip. */
  onCite?: (n: number) => void;
}

/** Sanitised markdown; a click on a citation chip (mouse or keyboard, chips are buttons) opens that source. */
export function Markdown({ text, sources, onCite }: MarkdownProps) {
  const key = [...sources].map(([n, shown]) => `${n}:${shown}`).join(',');
  const html = useMemo(() => renderMarkdown(text, new Map(key ? key.split(',').map((pair) => pair.split(':').map(Number) as [number, number]) : [])), [text, key]);

  function handleClick(e: MouseEvent<HTMLDivElement>) {
    const chip = (e.target as HTMLElement).closest<HTMLElement>('[data-cite]');
    if (!chip || !onCite) return;
    e.preventDefault();
    onCite(Number(chip.dataset.cite));
  }

  return <div className="markdown" onClick={handleClick} dangerouslySetInnerHTML={{ __html: html }} />;
}
