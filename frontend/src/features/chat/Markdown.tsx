import { useMemo, type MouseEvent } from 'react';
import { renderMarkdown } from './markdown.ts';

interface MarkdownProps {
  text: string;
  /** Citation numbers that have a source; others stay plain text. */
  sources: number[];
  onCite?: (n: number) => void;
}

/** Sanitised markdown; a click on a citation chip (mouse or keyboard, chips are buttons) opens that source. */
export function Markdown({ text, sources, onCite }: MarkdownProps) {
  const key = sources.join(',');
  const html = useMemo(() => renderMarkdown(text, key ? key.split(',').map(Number) : []), [text, key]);

  function handleClick(e: MouseEvent<HTMLDivElement>) {
    const chip = (e.target as HTMLElement).closest<HTMLElement>('[data-cite]');
    if (!chip || !onCite) return;
    e.preventDefault();
    onCite(Number(chip.dataset.cite));
  }

  return <div className="markdown" onClick={handleClick} dangerouslySetInnerHTML={{ __html: html }} />;
}
