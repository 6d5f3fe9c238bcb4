import { describeError } from '../../api/errors.ts';
import type { UploadRequest } from '../../api/upload.ts';
import type { UploadResultDto } from '@contracts/documents.ts';

/**
 * One file on its way: bytes first (`uploading`), then the server has it (`stored`) and processing
 * is live. `interrupted`: the page was reloaded or left before its bytes were all sent.
 */
export interface UploadItem {
  key: string;
  name: string;
  size: number;
  collectionId: string;
  phase: 'waiting' | 'uploading' | 'stored' | 'failed' | 'cancelled' | 'interrupted';
  loaded: number;
  total: number;
  documentId: string | null;
  /** The same content was already in the collection: the existing document is shown. */
  duplicate: boolean;
  error: string | null;
  /** performance.now() when the last byte left, to measure the wait for the first progress shown. */
  sentAt: number | null;
  /** Date.now() when the file was queued: a reload matches interrupted files to documents made after it. */
  addedAt: number;
  /** Date.now() when the server confirmed it: a document list read after this that lacks it means it was deleted. */
  storedAt?: number;
}

type Upload = (req: UploadRequest) => Promise<UploadResultDto>;

/** Where the list is kept across reloads (names and states, never the bytes); sessionStorage in the app. */
export interface UploadStore {
  load(): UploadItem[];
  save(items: UploadItem[]): void;
}

const STORAGE_KEY = 'rag.uploads';

/** The upload list in this tab's sessionStorage: it survives a reload, and other tabs have their own. */
export function sessionUploadStore(): UploadStore {
  return {
    load() {
      try {
        const raw = window.sessionStorage.getItem(STORAGE_KEY);
        return raw ? (JSON.parse(raw) as UploadItem[]) : [];
      } catch {
        return [];
      }
    },
    save(items) {
      try {
        if (items.length === 0) window.sessionStorage.removeItem(STORAGE_KEY);
        else window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(items.map(({ sentAt: _sentAt, ...rest }) => ({ ...rest, sentAt: null }))));
      } catch {
        // Storage full or disabled: the list then lives only in memory.
      }
    },
  };
}

/** The list as it was saved, with the files that were still being sent marked as not sent. */
function restore(saved: UploadItem[]): UploadItem[] {
  return saved.map((item) => (item.phase === 'waiting' || item.phase === 'uploading' ? { ...item, phase: 'interrupted', loaded: 0 } : item));
}

/** A document that is the interrupted file after all: the last bytes arrived before the page went. */
export function matchesInterrupted(item: UploadItem, doc: { filename: string; sizeBytes: number; collectionId: string; createdAt: string }): boolean {
  return item.phase === 'interrupted' && doc.filename === item.name && doc.sizeBytes === item.size && doc.collectionId === item.collectionId && Date.parse(doc.createdAt) >= item.addedAt - 5_000;
}

/**
 * The files being uploaded, a few at a time, each in its own request so each has its own bar and
 * its own error. It lives outside React so uploads go on while the person looks at other pages.
 */
export function createUploadQueue(upload: Upload, concurrency = 3, store: UploadStore | null = null) {
  let items: UploadItem[] = restore(store?.load() ?? []);
  const files = new Map<string, File>();
  const controllers = new Map<string, AbortController>();
  const listeners = new Set<() => void>();

  let counter = items.reduce((max, i) => Math.max(max, Number(i.key.slice(1)) || 0), 0);
  const emit = () => {
    store?.save(items);
    listeners.forEach((l) => l());
  };
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
      patch(key, { phase: 'stored', loaded: file.size, documentId: doc?.id ?? null, duplicate: doc?.duplicate ?? false, storedAt: Date.now() });
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

  function queue(list: File[], collectionId: string): UploadItem[] {
    return list.map((file): UploadItem => {
      const key = `u${++counter}`;
      files.set(key, file);
      return { key, name: file.name, size: file.size, collectionId, phase: 'waiting', loaded: 0, total: file.size, documentId: null, duplicate: false, error: null, sentAt: null, addedAt: Date.now() };
    });
  }

  return {
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get: () => items,
    /** Queues files for a collection; they start as soon as a slot is free. */
    add(list: File[], collectionId: string): void {
      items = [...items, ...queue(list, collectionId)];
      emit();
      pump();
    },
    /**
     * Files picked again after a reload: each takes the place of the interrupted row of the same
     * name, in that row's collection; a file with no such row goes where the first one went.
     */
    repick(list: File[]): void {
      const interrupted = items.filter((i) => i.phase === 'interrupted');
      if (interrupted.length === 0 || list.length === 0) return;
      let next = items;
      for (const file of list) {
        const row = next.find((i) => i.phase === 'interrupted' && i.name === file.name);
        const [fresh] = queue([file], row?.collectionId ?? interrupted[0]!.collectionId);
        next = row ? next.map((i) => (i === row ? fresh! : i)) : [...next, fresh!];
      }
      items = next;
      emit();
      pump();
    },
    /** Interrupted rows whose file turned out to be stored (found among these documents) become stored rows. */
    reconcile(documents: Iterable<{ id: string; filename: string; sizeBytes: number; collectionId: string; createdAt: string }>): void {
      if (!items.some((i) => i.phase === 'interrupted')) return;
      const docs = [...documents];
      let changed = false;
      const next = items.map((item) => {
        const doc = docs.find((d) => matchesInterrupted(item, d));
        if (!doc) return item;
        changed = true;
        return { ...item, phase: 'stored' as const, documentId: doc.id, loaded: item.size, storedAt: Date.now() };
      });
      if (!changed) return;
      items = next;
      emit();
    },
    /** Files still to be sent from this page: leaving it now would drop them. */
    inFlight: () => items.filter((i) => i.phase === 'waiting' || i.phase === 'uploading').length,
    cancel(key: string): void {
      const controller = controllers.get(key);
      if (controller) controller.abort();
      else if (items.find((i) => i.key === key)?.phase === 'waiting') {
        files.delete(key);
        patch(key, { phase: 'cancelled' });
      }
    },
    /** Stops and forgets every row (on sign-out: the next person at this computer does not see them). */
    forget(): void {
      for (const controller of controllers.values()) controller.abort();
      files.clear();
      items = [];
      emit();
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
