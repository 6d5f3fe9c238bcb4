import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClientProvider } from '@tanstack/react-query';
import { createQueryClient } from '../../app/queryClient.ts';
import { json, mockFetch } from '../../test/fetchMock.ts';
import { makeUser, signInForEachTest } from '../../test/session.ts';
import { FeedbackAdmin } from './FeedbackAdmin.tsx';

const entry = { messageId: 'm2', conversationId: 'c1', userEmail: 'ann@example.org', rating: 'up', comment: '', updatedAt: '2026-01-02T03:04:05.000Z', question: 'When does the ferry leave?', answer: 'Every hour [1].' };
const file = { name: 'Feedback on answers', documents: ['ferry.txt'], questions: [], review: [] };

// Registered first so that it runs last, after the sign-out (after-each hooks run as a stack).
afterEach(() => {
  vi.restoreAllMocks();
});
signInForEachTest({ user: makeUser({ email: 'admin@example.org', name: 'Admin', role: 'admin' }) });

describe('feedback admin', () => {
  it('downloads the rated answers as evaluation questions, under the file name the server gives', async () => {
    const calls = mockFetch({
      'GET /api/v1/admin/feedback': () => json({ items: [entry], total: 1, limit: 50, offset: 0 }),
      'GET /api/v1/admin/feedback/export': () => json(file, 200, { 'Content-Disposition': 'attachment; filename="feedback-questions-2026-01-02.json"' }),
      'POST /api/v1/auth/logout': () => json(null, 204),
    });
    const createObjectURL = vi.fn((_blob: Blob) => 'blob:export');
    const original = { createObjectURL: URL.createObjectURL, revokeObjectURL: URL.revokeObjectURL };
    Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() });
    onTestFinished(() => void Object.assign(URL, original));
    const clicked: { href: string; download: string }[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push({ href: this.href, download: this.download });
    });
    render(
      <QueryClientProvider client={createQueryClient()}>
        <FeedbackAdmin />
      </QueryClientProvider>,
    );
    await userEvent.click(await screen.findByRole('button', { name: 'Export as evaluation questions' }));
    await vi.waitFor(() => expect(clicked).toHaveLength(1));
    expect(clicked[0]).toEqual({ href: 'blob:export', download: 'feedback-questions-2026-01-02.json' });
    expect(JSON.parse(await createObjectURL.mock.calls[0]![0].text())).toEqual(file);
    const exportCall = calls.find((c) => c.path === '/api/v1/admin/feedback/export')!;
    expect(exportCall.headers.get('authorization')).toBe('Bearer token');
  });
});
