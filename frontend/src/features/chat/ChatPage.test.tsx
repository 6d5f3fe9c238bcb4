import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClientProvider } from '@tanstack/react-query';
import { createQueryClient } from '../../app/queryClient.ts';
import { controllableStream, json, mockFetch } from '../../test/fetchMock.ts';
import { signInForEachTest } from '../../test/session.ts';
import ChatPage from './ChatPage.tsx';

const source = { n: 1, documentId: 'doc-1', filename: 'volcanoes.pdf', page: 2, snippet: 'The Krakatoa eruption of 1883 released energy equal to two hundred megatons.' };
const done = { conversationId: 'c1', messageId: 'm2', citations: [{ ...source, chunkId: 'doc-1:3' }], timings: { retrievalMs: 5, firstTokenMs: 9, totalMs: 20 }, cached: false, noSources: false };
const answer = 'Krakatoa released **two hundred megatons** [1].';

function setup(chat: () => Response | Promise<Response>, questionMaxChars = 4000) {
  const calls = mockFetch({
    'GET /api/v1/chat/limits': () => json({ questionMaxChars }),
    'GET /api/v1/collections': () => json({ items: [{ id: 'default', name: 'Default', description: '', visibility: 'everyone', documentCount: 3, createdAt: '' }] }),
    'GET /api/v1/conversations': () => json({ items: [], limit: 100, offset: 0 }),
    'GET /api/v1/conversations/c1': () =>
      json({
        id: 'c1', title: 'Krakatoa', collectionIds: ['default'], createdAt: '', updatedAt: '',
        messages: [
          { id: 'm1', role: 'user', content: 'How much energy?', status: 'complete', citations: [], createdAt: '' },
          { id: 'm2', role: 'assistant', content: answer, status: 'complete', citations: done.citations, createdAt: '' },
        ],
      }),
    'POST /api/v1/chat': chat,
  });
  render(
    <QueryClientProvider client={createQueryClient()}>
      <ChatPage />
    </QueryClientProvider>,
  );
  return calls;
}

async function ask(question: string) {
  await userEvent.type(screen.getByRole('textbox', { name: 'Your question' }), `${question}{Enter}`);
}

const sse = () => ({ headers: { 'Content-Type': 'text/event-stream' } });

signInForEachTest({ path: '/chat' });

describe('streamed answer in the chat', () => {
  it('shows the answer growing as tokens arrive, then citation chips that open the source panel', async () => {
    const body = controllableStream();
    const calls = setup(() => new Response(body.stream, sse()));
    await ask('How much energy?');
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ question: 'How much energy?', stream: true });

    body.event('sources', { conversationId: 'c1', sources: [source] });
    body.event('token', { text: 'Krakatoa released ' });
    const message = await screen.findByTestId('assistant-message');
    await waitFor(() => expect(message.textContent).toContain('Krakatoa released'));
    expect(message.getAttribute('data-phase')).toBe('streaming');
    expect(message.querySelector('[aria-busy="true"]')).not.toBeNull();
    expect(screen.getByRole('button', { name: 'Stop' })).toBeTruthy();

    body.event('token', { text: '**two hundred megatons** [1].' });
    body.event('done', done);
    body.close();

    await screen.findByRole('button', { name: 'Source 1' });
    expect(screen.getByText('two hundred megatons').tagName).toBe('STRONG');
    // The finished answer is now the stored message of the new conversation.
    await waitFor(() => expect(window.location.pathname).toBe('/chat/c1'));
    await waitFor(() => expect(screen.getAllByRole('article', { name: 'Your question' })).toHaveLength(1));
    await userEvent.click(screen.getByRole('button', { name: 'Source 1' }));
    const panel = screen.getByTestId('citation-panel');
    expect(within(panel).getByText('volcanoes.pdf')).toBeTruthy();
    expect(within(panel).getByText('Page 2')).toBeTruthy();
    expect(within(panel).getByRole('link').getAttribute('href')).toBe('/api/v1/documents/doc-1/file#page=2');
  });

  it('stops the stream when Stop is pressed and keeps what came', async () => {
    const body = controllableStream();
    let signal: AbortSignal | undefined;
    setup(() => new Response(body.stream, sse()));
    vi.mocked(fetch).mockImplementationOnce(async (_url, init) => {
      signal = init?.signal ?? undefined;
      return new Response(body.stream, sse());
    });
    await ask('How much energy?');
    body.event('sources', { conversationId: 'c1', sources: [source] });
    body.event('token', { text: 'Krakatoa released ' });
    await screen.findByText(/Krakatoa released/);
    await userEvent.click(screen.getByRole('button', { name: 'Stop' }));
    expect(signal?.aborted).toBe(true);
    expect(await screen.findByText('Stopped. The answer above is incomplete.')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Ask' })).toBeTruthy();
  });

  it('says Ollama is unreachable on a 503 and gives the question back', async () => {
    setup(() => json({ error: { code: 'ollama_unavailable', message: 'Ollama at http://gpu:11434 is unreachable' } }, 503));
    await ask('How much energy?');
    expect(await screen.findByText('Ollama is unreachable')).toBeTruthy();
    expect((screen.getByRole('textbox', { name: 'Your question' }) as HTMLTextAreaElement).value).toBe('How much energy?');
  });

  it('says Ollama is unreachable when the stream ends with an error event', async () => {
    const body = controllableStream();
    setup(() => new Response(body.stream, sse()));
    await ask('How much energy?');
    body.event('sources', { conversationId: 'c1', sources: [source] });
    body.event('token', { text: 'Krakatoa ' });
    body.event('error', { code: 'ollama_unavailable', message: 'Ollama went away' });
    body.close();
    expect(await screen.findByText('Ollama is unreachable')).toBeTruthy();
  });

  it('says plainly when no relevant document was found', async () => {
    const body = controllableStream();
    setup(() => new Response(body.stream, sse()));
    await ask('What is the airspeed of a swallow?');
    body.event('sources', { conversationId: 'c1', sources: [] });
    body.event('token', { text: 'I could not find this in your documents.' });
    body.event('done', { ...done, citations: [], noSources: true });
    body.close();
    expect(await screen.findByText('No relevant documents')).toBeTruthy();
  });

  it('blocks asking again until the rate limit has passed', async () => {
    setup(() => json({ error: { code: 'rate_limited', message: 'too many questions' } }, 429, { 'Retry-After': '42' }));
    await ask('How much energy?');
    expect(await screen.findByText('Too many questions in a short time')).toBeTruthy();
    expect(screen.getByText(/You can ask again in 4\d s/)).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Ask' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('waits as long as the server says when the stream ends with a rate_limited event', async () => {
    const body = controllableStream();
    setup(() => new Response(body.stream, sse()));
    await ask('How much energy?');
    body.event('error', { code: 'rate_limited', message: 'too many questions', retryAfterSeconds: 7 });
    body.close();
    expect(await screen.findByText('Too many questions in a short time')).toBeTruthy();
    expect(screen.getByText(/You can ask again in [67] s/)).toBeTruthy();
  });

  it('holds the question box to the length limit the server serves', async () => {
    setup(() => json({}), 120);
    const box = screen.getByRole('textbox', { name: 'Your question' }) as HTMLTextAreaElement;
    await waitFor(() => expect(box.maxLength).toBe(120));
  });
});
