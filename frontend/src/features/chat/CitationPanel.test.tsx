import { describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { SourceDto } from '@contracts/chat.ts';
import { CitationPanel } from './CitationPanel.tsx';

const sources: SourceDto[] = [
  { n: 1, documentId: 'doc-1', filename: 'volcanoes.pdf', page: 2, snippet: 'The Krakatoa eruption of 1883 released energy equal to two hundred megatons.' },
  { n: 2, documentId: 'doc-2', filename: 'lighthouse.docx', page: null, snippet: 'Foghorn maintenance every Tuesday.' },
];

describe('citation panel', () => {
  it('shows the document name, page and snippet, with a link to the original at that page', () => {
    render(<CitationPanel source={sources[0]!} sources={sources} onSelect={vi.fn()} onClose={vi.fn()} />);
    const panel = screen.getByRole('complementary', { name: 'Source 1' });
    expect(panel.textContent).toContain('volcanoes.pdf');
    expect(panel.textContent).toContain('Page 2');
    expect(panel.textContent).toContain('released energy equal to two hundred megatons');
    const link = screen.getByRole('link', { name: 'Open volcanoes.pdf, page 2' });
    expect(link.getAttribute('href')).toBe('/api/v1/documents/doc-1/file#page=2');
    expect(link.getAttribute('rel')).toContain('noopener');
  });

  it('says when a format has no page numbers and links without a page', () => {
    render(<CitationPanel source={sources[1]!} sources={sources} onSelect={vi.fn()} onClose={vi.fn()} />);
    expect(screen.getByText('No page numbers in this format')).toBeTruthy();
    expect(screen.getByRole('link', { name: /Open lighthouse\.docx/ }).getAttribute('href')).toBe('/api/v1/documents/doc-2/file');
  });

  it('moves focus to its heading, so a screen reader reads the source at once', () => {
    render(<CitationPanel source={sources[0]!} sources={sources} onSelect={vi.fn()} onClose={vi.fn()} />);
    expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Source 1' }));
  });

  it('switches to another source of the same answer and closes with Escape', async () => {
    const onSelect = vi.fn();
    const onClose = vi.fn();
    render(<CitationPanel source={sources[0]!} sources={sources} onSelect={onSelect} onClose={onClose} />);
    await userEvent.click(screen.getByRole('button', { name: /lighthouse\.docx/ }));
    expect(onSelect).toHaveBeenCalledWith(2);
    await userEvent.keyboard('{Escape}');
    expect(onClose).toHaveBeenCalledOnce();
  });
});

describe('opening the original file', () => {
  it('asks for a signed link with the access token and opens it in a new tab at the page', async () => {
    const { signIn, signOut } = await import('../../api/session.ts');
    const user = { id: 'u', email: 'a@b.c', name: 'A', role: 'viewer' as const, disabled: false, createdAt: '', lastLoginAt: null };
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ accessToken: 'secret-token', expiresIn: 900, user }), { status: 200, headers: { 'Content-Type': 'application/json' } })));
    await signIn(user.email, 'password');
    const tab = { opener: {}, location: { href: '' }, close: vi.fn() };
    vi.spyOn(window, 'open').mockReturnValue(tab as unknown as Window);
    const link = '/api/v1/documents/doc-1/file/volcanoes.pdf?expires=1&signature=abc';
    const fetchMock = vi.fn(async () => new Response(JSON.stringify({ url: link, expiresAt: '' }), { status: 200, headers: { 'Content-Type': 'application/json' } }));
    vi.stubGlobal('fetch', fetchMock);

    render(<CitationPanel source={sources[0]!} sources={sources} onSelect={vi.fn()} onClose={vi.fn()} />);
    await userEvent.click(screen.getByRole('link', { name: 'Open volcanoes.pdf, page 2' }));

    await vi.waitFor(() => expect(tab.location.href).toBe(`${link}#page=2`));
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/v1/documents/doc-1/file-link');
    expect(init.method).toBe('POST');
    expect(new Headers(init.headers).get('authorization')).toBe('Bearer secret-token');
    expect(tab.opener).toBeNull();
    await signOut();
    vi.unstubAllGlobals();
  });
});
