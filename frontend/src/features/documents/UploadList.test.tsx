import { describe, expect, it, vi } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { LiveDocument } from './documents.api.ts';
import { makeDoc } from '../../test/fixtures.ts';
import { UploadList } from './UploadList.tsx';
import type { UploadItem } from './uploadQueue.ts';

function item(change: Partial<UploadItem>): UploadItem {
  return { key: 'u1', name: 'a.pdf', size: 4 * 1024 * 1024, collectionId: 'default', phase: 'waiting', loaded: 0, total: 4 * 1024 * 1024, documentId: null, duplicate: false, error: null, sentAt: null, addedAt: 0, ...change };
}

function renderList(items: UploadItem[], docs: LiveDocument[] = [], handlers = { onCancel: vi.fn(), onDismiss: vi.fn(), onClearFinished: vi.fn(), onRepick: vi.fn() }) {
  render(<UploadList items={items} documents={new Map(docs.map((d) => [d.id, d]))} {...handlers} />);
  return handlers;
}

describe('upload list', () => {
  it('shows one upload bar per file with the bytes sent', () => {
    renderList([item({ key: 'u1', name: 'a.pdf', phase: 'uploading', loaded: 1024 * 1024 }), item({ key: 'u2', name: 'b.docx', phase: 'waiting' })]);
    const rows = screen.getAllByTestId('upload-row');
    expect(rows).toHaveLength(2);
    const bar = within(rows[0]!).getByRole('progressbar', { name: 'Uploading a.pdf' });
    expect(bar.getAttribute('aria-valuenow')).toBe('25');
    expect(within(rows[0]!).getByText('Uploading · 25% (1.0 MB of 4.0 MB)')).toBeTruthy();
    expect(within(rows[1]!).getByText('Waiting to upload')).toBeTruthy();
  });

  it('switches a stored file to its live processing bar', () => {
    const doc = makeDoc({ id: 'd9', filename: 'a.pdf', status: 'processing', stage: 'parsing', progress: 10 });
    renderList([item({ phase: 'stored', documentId: 'd9', loaded: 100, total: 100 })], [doc]);
    expect(screen.queryByRole('progressbar', { name: 'Uploading a.pdf' })).toBeNull();
    expect(screen.getByRole('progressbar', { name: 'Processing a.pdf' }).getAttribute('aria-valuenow')).toBe('10');
    expect(screen.getByText(/1 processing/)).toBeTruthy();
  });

  it('tells which file failed and why, leaving the others going', () => {
    renderList([
      item({ key: 'u1', name: 'bad.exe', phase: 'failed', error: 'Only PDF, DOCX, TXT, Markdown and HTML are accepted' }),
      item({ key: 'u2', name: 'ok.pdf', phase: 'uploading', loaded: 50, total: 100 }),
    ]);
    expect(screen.getByRole('alert').textContent).toBe('Upload failed: Only PDF, DOCX, TXT, Markdown and HTML are accepted');
    expect(screen.getByRole('progressbar', { name: 'Uploading ok.pdf' })).toBeTruthy();
    expect(screen.getByText(/1 uploading · 0 processing · 0 ready · 1 failed/)).toBeTruthy();
  });

  it('says so when the same content was already in the collection', () => {
    renderList([item({ phase: 'stored', documentId: 'd1', duplicate: true })], [makeDoc({ status: 'ready', progress: 100 })]);
    expect(screen.getByText(/Already in this collection/)).toBeTruthy();
  });

  it('cancels a running upload and dismisses a finished one', async () => {
    const handlers = renderList(
      [item({ key: 'u1', name: 'a.pdf', phase: 'uploading' }), item({ key: 'u2', name: 'b.pdf', phase: 'stored', documentId: 'd1' })],
      [makeDoc({ status: 'ready', progress: 100 })],
    );
    await userEvent.click(screen.getByRole('button', { name: 'Cancel upload of a.pdf' }));
    await userEvent.click(screen.getByRole('button', { name: 'Dismiss b.pdf' }));
    await userEvent.click(screen.getByRole('button', { name: 'Clear finished' }));
    expect(handlers.onCancel).toHaveBeenCalledWith('u1');
    expect(handlers.onDismiss).toHaveBeenCalledWith('u2');
    expect(handlers.onClearFinished).toHaveBeenCalledOnce();
  });

  it('after a reload, shows which files were sent and are processing, which were not, and picks them again in one click', async () => {
    const handlers = renderList(
      [
        item({ key: 'u1', name: 'a.pdf', phase: 'stored', documentId: 'd1' }),
        item({ key: 'u2', name: 'b.pdf', phase: 'interrupted' }),
        item({ key: 'u3', name: 'c.pdf', phase: 'interrupted' }),
      ],
      [makeDoc({ id: 'd1', filename: 'a.pdf', status: 'processing', stage: 'embedding', progress: 40 })],
    );
    expect(screen.getByRole('progressbar', { name: 'Processing a.pdf' }).getAttribute('aria-valuenow')).toBe('40');
    const rows = screen.getAllByTestId('upload-row');
    expect(within(rows[1]!).getByText(/^Not sent/)).toBeTruthy();
    expect(screen.getByText(/0 uploading · 1 processing · 0 ready · 2 not sent/)).toBeTruthy();
    expect(screen.getByRole('status').textContent).toMatch(/2 files were not sent/);
    const picked = [new File(['x'], 'b.pdf'), new File(['y'], 'c.pdf')];
    await userEvent.upload(screen.getByTestId('repick-input'), picked);
    expect(handlers.onRepick).toHaveBeenCalledWith(picked);
    expect(screen.getByRole('button', { name: 'Pick them again' })).toBeTruthy();
  });
});
