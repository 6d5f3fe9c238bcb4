import type { DocumentChunksDto, DocumentDto, DocumentListDto, IngestProgress } from '@contracts/documents.ts';
import { api } from '../../api/client.ts';

/** A document as the dashboard keeps it: the API's DTO plus what live events add. */
export type LiveDocument = DocumentDto & {
  /** Items done and total within the current stage, from the last progress event. */
  stageDone?: number;
  stageTotal?: number;
  /** What stageDone and stageTotal count, as the worker reported it. */
  stageUnit?: IngestProgress['unit'];
};

export const documentsKey = (collectionId: string) => ['documents', collectionId] as const;

/** How often a collection's list is read again while some of its documents are still being processed. */
export const PENDING_REFETCH_MS = 10_000;

/**
 * The refetch interval of a collection's list: live events keep it current, and while a document
 * is queued or processing the list is also read again now and then, so a missed event (a socket
 * that reconnected, a relay that dropped one) leaves a row stale for seconds, not for ever.
 */
export function refetchWhilePending(documents: LiveDocument[] | undefined): number | false {
  return documents?.some((d) => d.status === 'queued' || d.status === 'processing') ? PENDING_REFETCH_MS : false;
}

const PAGE = 200;
const MAX_DOCUMENTS = 5000;

/**
 * Every document of a collection, page by page. The list API has no search or sort, so the
 * dashboard holds the collection and searches, sorts and pages it here (fine to thousands).
 */
export async function fetchAllDocuments(collectionId: string, signal?: AbortSignal): Promise<LiveDocument[]> {
  const all: LiveDocument[] = [];
  for (let offset = 0; offset < MAX_DOCUMENTS; offset += PAGE) {
    const page = await api.get<DocumentListDto>('/documents', { collectionId, limit: PAGE, offset }, signal);
    all.push(...page.items);
    if (page.items.length < PAGE || all.length >= page.total) break;
  }
  return all;
}

export const documentKey = (id: string) => ['document', id] as const;
export const fetchDocument = (id: string, signal?: AbortSignal) => api.get<DocumentDto>(`/documents/${encodeURIComponent(id)}`, undefined, signal);
export const fetchChunks = (id: string, limit: number, offset: number, signal?: AbortSignal) =>
  api.get<DocumentChunksDto>(`/documents/${encodeURIComponent(id)}/chunks`, { limit, offset }, signal);

export const deleteDocument = (id: string) => api.delete(`/documents/${encodeURIComponent(id)}`);
export const retryDocument = (id: string) => api.post<DocumentDto>(`/documents/${encodeURIComponent(id)}/retry`);

/** The list with this document put in (new) or replaced (newer state). */
export function upsertDocument(list: LiveDocument[] | undefined, doc: DocumentDto): LiveDocument[] | undefined {
  if (!list) return list;
  const index = list.findIndex((d) => d.id === doc.id);
  if (index === -1) return [doc, ...list];
  const next = list.slice();
  next[index] = { ...list[index], ...doc, stageDone: undefined, stageTotal: undefined, stageUnit: undefined };
  return next;
}

/** The list with a progress event applied: the document is processing, at this stage and percent. */
export function applyProgress(list: LiveDocument[] | undefined, p: IngestProgress): LiveDocument[] | undefined {
  if (!list) return list;
  const index = list.findIndex((d) => d.id === p.documentId);
  const current = list[index];
  // A late progress event must not pull a finished document back to processing.
  if (!current || current.status === 'ready' || current.status === 'failed') return list;
  const next = list.slice();
  next[index] = { ...current, status: 'processing', stage: p.stage, progress: Math.max(0, Math.min(100, Math.round(p.percent))), stageDone: p.done, stageTotal: p.total, stageUnit: p.unit };
  return next;
}

export function removeDocument(list: LiveDocument[] | undefined, id: string): LiveDocument[] | undefined {
  return list?.filter((d) => d.id !== id);
}

/** Who uploaded it, when the server knows. */
export function uploaderOf(doc: LiveDocument): string | null {
  return doc.uploadedBy?.name ?? null;
}
