import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { DocumentDto, IngestProgress } from '@contracts/documents.ts';
import { getSocket } from '../../api/socket.ts';
import { applyProgress, documentsKey, removeDocument, upsertDocument, type LiveDocument } from './documents.api.ts';

const SUBSCRIBE_BATCH = 50;

/**
 * Keeps the cached document lists of these collections live from socket.io events. After every
 * (re)connection it refetches, so an event missed while offline costs nothing.
 */
export function useLiveDocuments(collectionIds: string[]): void {
  const queryClient = useQueryClient();
  const idsKey = [...collectionIds].sort().join('\n');

  useEffect(() => {
    const ids = idsKey ? idsKey.split('\n') : [];
    if (ids.length === 0) return;
    const socket = getSocket();
    const update = (collectionId: string, change: (list: LiveDocument[] | undefined) => LiveDocument[] | undefined) =>
      queryClient.setQueryData<LiveDocument[]>(documentsKey(collectionId), change);

    const subscribe = () => {
      for (let i = 0; i < ids.length; i += SUBSCRIBE_BATCH) socket.emit('subscribe', { collectionIds: ids.slice(i, i + SUBSCRIBE_BATCH) });
    };
    const handleConnect = () => {
      subscribe();
      void queryClient.invalidateQueries({ queryKey: ['documents'] });
    };
    const handleState = (doc: DocumentDto) => update(doc.collectionId, (list) => upsertDocument(list, doc));
    const handleProgress = (p: IngestProgress) => update(p.collectionId, (list) => applyProgress(list, p));
    const handleDeleted = (p: { documentId: string; collectionId: string }) => update(p.collectionId, (list) => removeDocument(list, p.documentId));

    socket.on('connect', handleConnect);
    socket.on('document.queued', handleState);
    socket.on('document.ready', handleState);
    socket.on('document.failed', handleState);
    socket.on('document.progress', handleProgress);
    socket.on('document.deleted', handleDeleted);
    if (socket.connected) subscribe();
    return () => {
      socket.off('connect', handleConnect);
      socket.off('document.queued', handleState);
      socket.off('document.ready', handleState);
      socket.off('document.failed', handleState);
      socket.off('document.progress', handleProgress);
      socket.off('document.deleted', handleDeleted);
      for (let i = 0; i < ids.length; i += SUBSCRIBE_BATCH) socket.emit('unsubscribe', { collectionIds: ids.slice(i, i + SUBSCRIBE_BATCH) });
    };
  }, [idsKey, queryClient]);
}
