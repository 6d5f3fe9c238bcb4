import { useEffect, useSyncExternalStore } from 'react';
import { session } from '../../api/session.ts';
import { useQueries } from '@tanstack/react-query';
import { uploadFile } from '../../api/upload.ts';
import { createUploadQueue, sessionUploadStore, type UploadItem } from './uploadQueue.ts';
import { documentsKey, fetchAllDocuments, type LiveDocument } from './documents.api.ts';

/**
 * The app's upload queue: one for the tab, so uploads continue while other pages are open. Its
 * list (names and states) is kept in sessionStorage, so a reload shows what became of each file.
 */
export const uploadQueue = createUploadQueue(uploadFile, 3, typeof window === 'undefined' ? null : sessionUploadStore());

/** The uploads, and the live documents they became (from whichever collection each went to). */
export function useUploads(): { items: UploadItem[]; documents: Map<string, LiveDocument> } {
  const items = useSyncExternalStore(uploadQueue.subscribe, uploadQueue.get);
  const collectionIds = [...new Set(items.map((i) => i.collectionId))];
  const lists = useQueries({
    queries: collectionIds.map((id) => ({ queryKey: documentsKey(id), queryFn: ({ signal }: { signal: AbortSignal }) => fetchAllDocuments(id, signal) })),
  });
  const documents = new Map<string, LiveDocument>();
  for (const list of lists) for (const doc of list.data ?? []) documents.set(doc.id, doc);
  const loaded = lists.map((l) => l.dataUpdatedAt).join();
  // A file whose last bytes arrived just before a reload is a document after all (`loaded` changes whenever a list does).
  useEffect(() => {
    if (loaded) uploadQueue.reconcile(documents.values());
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
