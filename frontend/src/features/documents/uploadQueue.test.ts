import { describe, expect, it } from 'vitest';
import type { UploadRequest } from '../../api/upload.ts';
import { UnsupportedMediaTypeError, ValidationError } from '../../api/errors.ts';
import { createUploadQueue, type UploadItem } from './uploadQueue.ts';

function deferredUploads() {
  const running: { req: UploadRequest; resolve: (id: string) => void; reject: (err: unknown) => void }[] = [];
  const upload = (req: UploadRequest) =>
    new Promise<never>((resolve, reject) => {
      running.push({ req, resolve: (id) => resolve({ documents: [{ id, duplicate: false }] } as never), reject });
      req.signal?.addEventListener('abort', () => reject(new DOMException('cancelled', 'AbortError')));
    });
  return { running, upload };
}

const file = (name: string) => new File(['x'.repeat(10)], name, { type: 'application/pdf' });
const flush = () => new Promise((r) => setTimeout(r, 0));

describe('upload queue', () => {
  it('uploads at most `concurrency` files at a time and starts the next when one ends', async () => {
    const { running, upload } = deferredUploads();
    const queue = createUploadQueue(upload, 2);
    queue.add([file('a.pdf'), file('b.pdf'), file('c.pdf')], 'default');
    expect(running.map((r) => r.req.file.name)).toEqual(['a.pdf', 'b.pdf']);
    expect(queue.get().map((i) => i.phase)).toEqual(['uploading', 'uploading', 'waiting']);
    running[0]!.resolve('doc-a');
    await flush();
    expect(running.map((r) => r.req.file.name)).toEqual(['a.pdf', 'b.pdf', 'c.pdf']);
    expect(queue.get()[0]).toMatchObject({ phase: 'stored', documentId: 'doc-a' });
  });

  it('records bytes sent per file and keeps one file failure to that file', async () => {
    const { running, upload } = deferredUploads();
    const queue = createUploadQueue(upload, 3);
    queue.add([file('a.pdf'), file('b.exe')], 'default');
    running[0]!.req.onProgress({ loaded: 4, total: 10 });
    running[1]!.reject(new ValidationError(400, 'unsupported', 'this type of file is not accepted'));
    await flush();
    expect(queue.get()[0]).toMatchObject({ phase: 'uploading', loaded: 4, total: 10 });
    expect(queue.get()[1]).toMatchObject({ phase: 'failed', error: 'This type of file is not accepted' });
  });

  it('never alters the file name an error message starts with', async () => {
    const { running, upload } = deferredUploads();
    const queue = createUploadQueue(upload, 3);
    queue.add([file('notes.xlsx'), file('notes'), file('q3 report.pdf')], 'default');
    running[0]!.reject(new UnsupportedMediaTypeError(415, 'unsupported', 'notes.xlsx: xlsx files are not supported'));
    running[1]!.reject(new UnsupportedMediaTypeError(415, 'unsupported', 'notes is empty'));
    running[2]!.reject(new UnsupportedMediaTypeError(415, 'unsupported', 'q3 report.pdf is not a PDF: no header'));
    await flush();
    expect(queue.get().map((i) => i.error)).toEqual(['notes.xlsx: xlsx files are not supported', 'notes is empty', 'q3 report.pdf is not a PDF: no header']);
  });

  it('cancels a running upload by aborting its request', async () => {
    const { running, upload } = deferredUploads();
    const queue = createUploadQueue(upload, 1);
    queue.add([file('a.pdf'), file('b.pdf')], 'default');
    queue.cancel(queue.get()[0]!.key);
    await flush();
    expect(queue.get()[0]!.phase).toBe('cancelled');
    expect(running[1]!.req.file.name).toBe('b.pdf');
  });

  it('keeps the list across a reload: stored files stay stored, files still being sent become not sent', async () => {
    const saved: { items: UploadItem[] } = { items: [] };
    const store = { load: () => saved.items, save: (items: UploadItem[]) => void (saved.items = items) };
    const { running, upload } = deferredUploads();
    const before = createUploadQueue(upload, 1, store);
    before.add([file('a.pdf'), file('b.pdf'), file('c.pdf')], 'default');
    running[0]!.resolve('doc-a');
    await flush();
    expect(saved.items.map((i) => i.phase)).toEqual(['stored', 'uploading', 'waiting']);

    // The page reloads: a new queue on the same storage, with no bytes.
    const after = createUploadQueue(deferredUploads().upload, 1, store);
    expect(after.get().map((i) => [i.name, i.phase, i.documentId])).toEqual([
      ['a.pdf', 'stored', 'doc-a'],
      ['b.pdf', 'interrupted', null],
      ['c.pdf', 'interrupted', null],
    ]);
    expect(after.inFlight()).toBe(0);
  });

  it('puts files picked again in place of the rows that were not sent', () => {
    const store = { load: () => [] as UploadItem[], save: () => undefined };
    const { running, upload } = deferredUploads();
    const first = createUploadQueue(upload, 3, store);
    first.add([file('b.pdf'), file('c.pdf')], 'reports');
    const rows = first.get().map((i) => ({ ...i, phase: 'interrupted' as const }));
    const queue = createUploadQueue(upload, 3, { load: () => rows, save: () => undefined });
    running.length = 0;
    queue.repick([file('c.pdf'), file('b.pdf')]);
    expect(queue.get().map((i) => [i.name, i.phase, i.collectionId])).toEqual([
      ['b.pdf', 'uploading', 'reports'],
      ['c.pdf', 'uploading', 'reports'],
    ]);
    expect(running.map((r) => r.req.file.name).sort()).toEqual(['b.pdf', 'c.pdf']);
    expect(queue.inFlight()).toBe(2);
  });

  it('turns a not-sent row into a stored one when its document turns up after all', () => {
    const addedAt = Date.parse('2025-01-01T10:00:00.000Z');
    const row: UploadItem = { key: 'u1', name: 'a.pdf', size: 10, collectionId: 'default', phase: 'interrupted', loaded: 0, total: 10, documentId: null, duplicate: false, error: null, sentAt: null, addedAt };
    const queue = createUploadQueue(deferredUploads().upload, 1, { load: () => [row], save: () => undefined });
    const doc = { id: 'd1', filename: 'a.pdf', sizeBytes: 10, collectionId: 'default', createdAt: '2025-01-01T10:00:03.000Z' };
    queue.reconcile([{ ...doc, id: 'older', createdAt: '2024-12-31T10:00:00.000Z' }, { ...doc, id: 'other', sizeBytes: 11 }]);
    expect(queue.get()[0]!.phase).toBe('interrupted');
    queue.reconcile([doc]);
    expect(queue.get()[0]).toMatchObject({ phase: 'stored', documentId: 'd1' });
  });
});

