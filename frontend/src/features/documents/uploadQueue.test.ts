import { describe, expect, it } from 'vitest';
import type { UploadRequest } from '../../api/upload.ts';
import { UnsupportedMediaTypeError, ValidationError } from '../../api/errors.ts';
import { createUploadQueue } from './uploadQueue.ts';

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
});
