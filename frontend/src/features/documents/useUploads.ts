import { useEffect, useSyncExternalStore } from 'react';
import { session } from '../../api/session.ts';
import { useQueries } from '@tanstack/react-query';
import { uploadFile } from '../../api/upload.ts';
import { createUploadQueue, sessionUploadStore, type UploadItem } from './uploadQueue.ts';
import { documentsKey, fetchAllDocuments, refetchWhilePending, type LiveDocument } from './documents.api.ts';

/**
 * The app's upload queue: one for the tab, so uploads continue while other pages are open. Its
 * list (names and states) is kept in sessionStorage, so a reload shows what became of each file.
 */
export const uploadQueue = createUploadQueue(uploadFile, 3, typeof window === 'undefined' ? null : sessionUploadStore());

/**
 * The uploads, and the live documents they became (from whichever collection each went to). A
 * row whose document was deleted since (its collection's list, read after the upload, lacks it)
 * is left out, and dropped from the stored list.
 */
export function useUploads(): { items: UploadItem[]; documents: Map<string, LiveDocument> } {
  const all = useSyncExternalStore(uploadQueue.subscribe, uploadQueue.get);
  const collectionIds = [...new Set(all.map((i) => i.collectionId))];
  const lists = useQueries({
    queries: collectionIds.map((id) => ({
      queryKey: documentsKey(id),
      queryFn: ({ signal }: { signal: AbortSignal }) => fetchAllDocuments(id, signal),
      refetchInterval: (query: { state: { data: LiveDocument[] | undefined } }) => refetchWhilePending(query.state.data),
    })),
  });
  const documents = new Map<string, LiveDocument>();
  const readAt = new Map<string, number>();
  lists.forEach((list, i) => {
    for (const doc of list.data ?? []) documents.set(doc.id, doc);
    if (list.isSuccess) readAt.set(collectionIds[i]!, list.dataUpdatedAt);
  });
  const gone = (item: UploadItem) =>
    item.phase === 'stored' && item.documentId !== null && item.storedAt !== undefined && (readAt.get(item.collectionId) ?? 0) > item.storedAt && !documents.has(item.documentId);
  const items = all.filter((item) => !gone(item));
  const loaded = lists.map((l) => l.dataUpdatedAt).join();
  // A file whose last bytes arrived just before a reload is a document after all; a deleted one's row goes (`loaded` changes whenever a list does).
  useEffect(() => {
    if (!loaded) return;
    uploadQueue.reconcile(documents.values());
    for (const item of uploadQueue.get()) if (gone(item)) uploadQueue.dismiss(item.key);
  }, [loaded]);
  return { items, documents };
}

/** Asks before the page is left or reloaded while files are still being sent. */
function handleBeforeUnload(e: BeforeUnloadEvent): void {
  if (uploadQueue.inFlight() === 0) return;
  e.preventDefault();
  // Older Chromium versions ask only when returnValue is set.
  e.returnValue = '';
}

// Uploads go on while other pages are open, so the warning and the sign-out rule live with the queue.
if (typeof window !== 'undefined') {
  window.addEventListener('beforeunload', handleBeforeUnload);
  session.subscribe(() => {
    if (session.get().status === 'signedOut') uploadQueue.forget();
  });
}
