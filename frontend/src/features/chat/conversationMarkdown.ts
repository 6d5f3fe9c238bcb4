import type { MessageDto } from '@contracts/chat.ts';
import { numberShownSources } from './citationNumbers.ts';

/**
 * A conversation as Markdown, for the clipboard or a .md file: each question, each answer with its
 * citations numbered as the dashboard shows them, and the sources under the answer.
 */
export function conversationToMarkdown(title: string, messages: MessageDto[]): string {
  const out = [`# ${title.trim() || 'Conversation'}`, ''];
  for (const m of messages) {
    if (m.role === 'user') {
      out.push(`**Question:** ${m.content.trim()}`, '');
      continue;
    }
    const { shown, number } = numberShownSources(m.content, m.citations);
    // The model's [n] become the numbers shown; a number with no source stays as it was written.
    const text = m.content.replace(/\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]/g, (whole, list: string) => {
      const parts = list.split(',').map((p) => number.get(Number(p.trim())));
      return parts.every((p) => p !== undefined) ? parts.map((p) => `[${p}]`).join('') : whole;
    });
    out.push(`**Answer:**${m.status === 'complete' ? '' : ' _(incomplete)_'}`, '', text.trim(), '');
    if (shown.length > 0) {
      out.push('Sources:', '');
      for (const s of shown) out.push(`${s.n}. ${s.filename}${s.page ? `, page ${s.page}` : ''}`);
      out.push('');
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** A file name for the export: the title, safe for any file system. */
export function exportFileName(title: string): string {
  const printable = [...title].map((ch) => (ch.charCodeAt(0) < 32 ? ' ' : ch)).join('');
  const base = printable.replace(/[\\/:*?"<>|]+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 80);
  return `${base || 'conversation'}.md`;
}
