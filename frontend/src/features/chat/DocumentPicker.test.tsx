import { describe, expect, it } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClientProvider } from '@tanstack/react-query';
import { createQueryClient } from '../../app/queryClient.ts';
import { json, mockFetch } from '../../test/fetchMock.ts';
import { signInForEachTest } from '../../test/session.ts';
import ChatPage from './ChatPage.tsx';

const doc = (id: string, filename: string) => ({
  id, filename, collectionId: 'default', status: 'ready', stage: null, progress: 100, size: 10, mimeType: 'text/plain', pageCount: 1, chunkCount: 1, error: null, createdAt: '', updatedAt: '',
});

function setup() {
  const listed: URLSearchParams[] = [];
  const calls = mockFetch({
    'GET /api/v1/collections': () => json({ items: [{ id: 'default', name: 'Default', description: '', visibility: 'everyone', documentCount: 3, createdAt: '' }] }),
    'GET /api/v1/conversations': () => json({ items: [], limit: 100, offset: 0 }),
    'GET /api/v1/documents': ({ url }) => (listed.push(url.searchParams), json({ items: [doc('d1', 'alpha.pdf'), doc('d2', 'beta.txt'), doc('d3', 'gamma.md')], total: 3, limit: 200, offset: 0 })),
    'POST /api/v1/chat': () => new Response('', { status: 503 }),
  });
  render(
    <QueryClientProvider client={createQueryClient()}>
      <ChatPage />
    </QueryClientProvider>,
  );
  return { calls, listed };
}

signInForEachTest({ path: '/chat' });

describe('limiting a question to chosen documents', () => {
  it('lists ready documents, filters them, shows the chosen as chips, and sends the ids of those still chosen', async () => {
    const { calls, listed } = setup();
    await userEvent.click(screen.getByRole('button', { name: 'Limit to documents' }));
    const menu = screen.getByRole('group', { name: 'Documents to ask' });
    await within(menu).findByRole('checkbox', { name: 'alpha.pdf' });
    expect(listed.map((q) => q.get('status'))).toEqual(['ready']);

    // The filter narrows the list; the chosen ones stay chosen when it changes.
    await userEvent.type(within(menu).getByRole('searchbox', { name: 'Filter documents' }), 'gam');
    expect(within(menu).queryByRole('checkbox', { name: 'alpha.pdf' })).toBeNull();
    await userEvent.click(within(menu).getByRole('checkbox', { name: 'gamma.md' }));
    await userEvent.clear(within(menu).getByRole('searchbox', { name: 'Filter documents' }));
    await userEvent.click(within(menu).getByRole('checkbox', { name: 'alpha.pdf' }));
    await userEvent.click(within(menu).getByRole('checkbox', { name: 'beta.txt' }));
    expect((within(menu).getByRole('checkbox', { name: 'gamma.md' }) as HTMLInputElement).checked).toBe(true);

    // Escape closes the list; the chips remain, and one is removed by its own button.
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('group', { name: 'Documents to ask' })).toBeNull();
    const chips = screen.getByRole('list', { name: 'Documents asked' });
    expect(within(chips).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['gamma.md×', 'alpha.pdf×', 'beta.txt×']);
    // While documents are chosen, the collection picker steps aside: they are searched wherever they are.
    expect(screen.queryByRole('button', { name: /Ask in:/ })).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Remove alpha.pdf' }));
    expect(within(chips).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['gamma.md×', 'beta.txt×']);

    await userEvent.type(screen.getByRole('textbox', { name: 'Your question' }), 'What do they say?{Enter}');
    await waitFor(() => expect(calls.find((c) => c.method === 'POST' && c.path === '/api/v1/chat')).toBeDefined());
    expect(calls.find((c) => c.method === 'POST' && c.path === '/api/v1/chat')?.body).toEqual({ question: 'What do they say?', stream: true, documentIds: ['d3', 'd2'] });

    // Clearing gives the collection picker back.
    await userEvent.click(screen.getByRole('button', { name: 'Ask all documents again' }));
    expect(screen.getByRole('button', { name: /Ask in:/ }).getAttribute('aria-expanded')).toBe('false');
  });
});
