import { useSyncExternalStore } from 'react';
import { useQueries } from '@tanstack/react-query';
import { uploadFile } from '../../api/upload.ts';
import { createUploadQueue, type UploadItem } from './uploadQueue.ts';
import { documentsKey, fetchAllDocuments, type LiveDocument } from './documents.api.ts';

/** The app's upload queue: one for the tab, so uploads continue while other pages are open. */
export const uploadQueue = createUploadQueue(uploadFile);

/** The uploads, and the live documents they became (from whichever collection each went to). */
export function useUploads(): { items: UploadItem[]; documents: Map<string, LiveDocument> } {
  const items = useSyncExternalStore(uploadQueue.subscribe, uploadQueue.get);
  const collectionIds = [...new Set(items.map((i) => i.collectionId))];
  const lists = useQueries({
    queries: collectionIds.map((id) => ({ queryKey: documentsKey(id), queryFn: ({ signal }: { signal: AbortSignal }) => fetchAllDocuments(id, signal) })),
  });
  const documents = new Map<string, LiveDocument>();
  for (const list of lists) for (const doc of list.data ?? []) documents.set(doc.id, doc);
  return { items, documents };
}
