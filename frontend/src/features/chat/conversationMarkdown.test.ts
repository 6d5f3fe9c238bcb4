import { describe, expect, it } from 'vitest';
import type { MessageDto } from '@contracts/chat.ts';
import { conversationToMarkdown, exportFileName } from './conversationMarkdown.ts';

const message = (m: Partial<MessageDto>): MessageDto => ({ id: 'm', role: 'user', content: '', status: 'complete', citations: [], createdAt: '', ...m }) as MessageDto;

describe('conversation as Markdown', () => {
  it('writes questions, answers with the citation numbers shown, and their sources', () => {
    const md = conversationToMarkdown('Krakatoa', [
      message({ role: 'user', content: 'How loud was it?' }),
      message({
        role: 'assistant',
        content: 'Very loud [6], heard far away [2]. Unknown [9].',
        citations: [
          { n: 2, documentId: 'd2', filename: 'b.pdf', page: 4, snippet: '', chunkId: 'd2:1' },
          { n: 6, documentId: 'd6', filename: 'a.pdf', page: null, snippet: '', chunkId: 'd6:0' },
        ],
      }),
    ]);
    expect(md).toBe('# Krakatoa\n\n**Question:** How loud was it?\n\n**Answer:**\n\nVery loud [1], heard far away [2]. Unknown [9].\n\nSources:\n\n1. a.pdf\n2. b.pdf, page 4\n');
  });

  it('names the file after the title without characters a file system refuses', () => {
    expect(exportFileName('Q3: "costs" / plan?')).toBe('Q3 costs plan.md');
    expect(exportFileName('   ')).toBe('conversation.md');
  });
});
