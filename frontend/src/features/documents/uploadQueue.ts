import { describeError } from '../../api/errors.ts';
import type { UploadRequest } from '../../api/upload.ts';
import type { UploadResultDto } from '@contracts/documents.ts';

/** One file on its way: bytes first (`uploading`), then the server has it (`stored`) and processing is live. */
export interface UploadItem {
  key: string;
  name: string;
  size: number;
  collectionId: string;
  phase: 'waiting' | 'uploading' | 'stored' | 'failed' | 'cancelled';
  loaded: number;
  total: number;
  documentId: string | null;
  /** The same content was already in the collection: the existing document is shown. */
  duplicate: boolean;
  error: string | null;
  /** performance.now() when the last byte left, to measure the wait for the first progress shown. */
  sentAt: number | null;
}

type Upload = (req: UploadRequest) => Promise<UploadResultDto>;

/**
 * The files being uploaded, a few at a time, each in its own request so each has its own bar and
 * its own error. It lives outside React so uploads go on while the person looks at other pages.
 */
export function createUploadQueue(upload: Upload, concurrency = 3) {
  let items: UploadItem[] = [];
  const files = new Map<string, File>();
  const controllers = new Map<string, AbortController>();
  const listeners = new Set<() => void>();
  let counter = 0;

  const emit = () => listeners.forEach((l) => l());
  const patch = (key: string, change: Partial<UploadItem>) => {
    items = items.map((item) => (item.key === key ? { ...item, ...change } : item));
    emit();
  };

  async function run(key: string): Promise<void> {
    const item = items.find((i) => i.key === key);
    const file = files.get(key);
    if (!item || !file) return;
    const controller = new AbortController();
    controllers.set(key, controller);
    try {
      const result = await upload({
        file,
        collectionId: item.collectionId,
        signal: controller.signal,
        onProgress: ({ loaded, total }) => patch(key, { loaded, total }),
        onSent: () => patch(key, { loaded: file.size, sentAt: performance.now() }),
      });
      const doc = result.documents[0];
      patch(key, { phase: 'stored', loaded: file.size, documentId: doc?.id ?? null, duplicate: doc?.duplicate ?? false });
    } catch (err) {
      const cancelled = (err as Error)?.name === 'AbortError';
      patch(key, { phase: cancelled ? 'cancelled' : 'failed', error: cancelled ? null : describeError(err, [file.name]) });
    } finally {
      controllers.delete(key);
      files.delete(key);
      pump();
    }
  }

  function pump(): void {
    const free = concurrency - items.filter((i) => i.phase === 'uploading').length;
    const next = items.filter((i) => i.phase === 'waiting').slice(0, Math.max(0, free));
    if (next.length === 0) return;
    const starting = new Set(next.map((i) => i.key));
    items = items.map((i) => (starting.has(i.key) ? { ...i, phase: 'uploading' } : i));
    emit();
    for (const key of starting) void run(key);
  }

  return {
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get: () => items,
    /** Queues files for a collection; they start as soon as a slot is free. */
    add(list: File[], collectionId: string): void {
      const added = list.map((file): UploadItem => {
        const key = `u${++counter}`;
        files.set(key, file);
        return { key, name: file.name, size: file.size, collectionId, phase: 'waiting', loaded: 0, total: file.size, documentId: null, duplicate: false, error: null, sentAt: null };
      });
      items = [...items, ...added];
      emit();
      pump();
    },
    cancel(key: string): void {
      const controller = controllers.get(key);
      if (controller) controller.abort();
      else if (items.find((i) => i.key === key)?.phase === 'waiting') {
        files.delete(key);
        patch(key, { phase: 'cancelled' });
      }
    },
    dismiss(key: string): void {
      items = items.filter((i) => i.key !== key);
      emit();
    },
    /** Drops the rows whose story is over (the table shows those documents from now on). */
    clear(isFinished: (item: UploadItem) => boolean): void {
      items = items.filter((i) => !isFinished(i));
      emit();
    },
  };
}

export type UploadQueue = ReturnType<typeof createUploadQueue>;
