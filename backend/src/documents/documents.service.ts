import { randomUUID } from 'node:crypto';
import type { VectorStore } from '../clients/chroma.ts';
import type { Db } from '../clients/db.ts';
import type { DocumentChunksDto, DocumentDto, ListDocumentsQuery, UploadFields } from '../contracts/documents.ts';
import { createDocumentChunksRepository } from './document-chunks.repository.ts';
import { BadRequestError, ConflictError, NotFoundError } from '../http/errors.ts';
import type { IngestQueue } from '../ingest/jobs.ts';
import type { ReindexQueue } from '../ingest/reindex.job.ts';
import type { DocumentKind } from '../ingest/parse/parse.types.ts';
import type { Logger } from '../logger.ts';
import type { ChunksRepository } from '../retrieval/chunks.repository.ts';
import type { DocumentsRepository } from './documents.repository.ts';
import { presentDocument } from './documents.presenter.ts';
import type { AuditLog } from '../audit/audit.service.ts';
import type { Principal } from '../auth/principal.ts';
import type { CollectionsRepository } from '../collections/collections.repository.ts';
import type { CollectionsService } from '../collections/collections.service.ts';
import type { RateLimits } from '../rate-limit/rate-limits.ts';
import type { FileStore } from './file-store.ts';
import { detectKind, mimeTypeOf } from './file-type.ts';
import { cleanFilename } from './filename.ts';
import type { UploadedFile } from './upload.ts';

export interface DocumentEvents {
  queued(doc: DocumentDto): void;
  deleted(payload: { documentId: string; collectionId: string }): void;
}

export interface DocumentsServiceDeps {
  db: Db;
  access: Pick<CollectionsService, 'readableIds' | 'requireReadable'>;
  limits: Pick<RateLimits, 'consumeUpload'>;
  audit: AuditLog;
  documents: DocumentsRepository;
  collections: Pick<CollectionsRepository, 'bumpCorpusVersion'>;
  chunks: ChunksRepository;
  vectors: VectorStore;
  files: FileStore;
  queue: IngestQueue;
  reindex: Pick<ReindexQueue, 'enqueue'>;
  events: DocumentEvents;
  logger: Logger;
}

export interface Caller {
  principal: Principal;
  ip: string | null;
}

export function createDocumentsService(deps: DocumentsServiceDeps) {
  const { db, documents, files, queue, events } = deps;
  const chunkPages = createDocumentChunksRepository(db);

  return {
    /**
     * Stores uploaded files and queues them for ingestion. Every file is checked before anything
     * is kept, so one bad file rejects the whole upload and nothing is stored.
     */
    async upload(uploaded: UploadedFile[], { collectionId }: UploadFields, caller: Caller) {
      try {
        if (uploaded.length === 0) throw new BadRequestError('no files: send one or more files in the "files" field', undefined, 'invalid_upload');
        deps.access.requireReadable(caller.principal, collectionId);
        await deps.limits.consumeUpload(caller.principal, uploaded.length, uploaded.reduce((n, f) => n + f.size, 0));
        const checked: { file: UploadedFile; kind: DocumentKind; filename: string }[] = [];
        for (const file of uploaded) {
          const filename = cleanFilename(file.originalname);
          if (file.size === 0) throw new BadRequestError(`${filename} is empty`, undefined, 'empty_file');
          checked.push({ file, kind: await detectKind(file.tempPath, filename), filename });
        }

        const stored: { id: string; duplicate: boolean }[] = [];
        for (const { file, kind, filename } of checked) {
          const existing = documents.findBySha(collectionId, file.sha256);
          if (existing) {
            stored.push({ id: existing.id, duplicate: true });
            continue;
          }
          await files.commit(file);
          // Another upload of the same content may have been stored while this one was committed.
          const { row, created } = documents.insertUnlessDuplicate({ id: randomUUID(), collectionId, sha256: file.sha256, filename, kind, sizeBytes: file.size, uploadedBy: caller.principal.userId });
          stored.push({ id: row.id, duplicate: !created });
        }
        // Only after the rows are committed: a job must never see a document that does not exist yet.
        const fresh = stored.filter((s) => !s.duplicate);
        const outcomes = await Promise.all(fresh.map((s) => queue.enqueue(s.id)));
        fresh.forEach((s, i) => outcomes[i] === 'deferred' && markDeferred(s.id));

        const results = stored.map((s) => ({ ...presentDocument(documents.get(s.id)!), duplicate: s.duplicate }));
        for (const { duplicate, ...dto } of results) {
          if (duplicate) continue;
          events.queued(dto);
          deps.audit.record({ actor: caller.principal, action: 'document.uploaded', target: dto.id, ip: caller.ip, details: { filename: dto.filename, collectionId, sizeBytes: dto.sizeBytes } });
        }
        return { documents: results };
      } finally {
        await Promise.all(uploaded.map((f) => files.discard(f.tempPath)));
      }
    },

    /** Documents in the collections the caller may read (or in the one asked for, if readable). */
    list(query: ListDocumentsQuery, principal: Principal) {
      if (query.collectionId) deps.access.requireReadable(principal, query.collectionId);
      const collectionIds = query.collectionId ? [query.collectionId] : deps.access.readableIds(principal);
      const { items, total } = documents.list({ ...query, collectionIds });
      return { items: items.map(presentDocument), total, limit: query.limit, offset: query.offset };
    },

    get(id: string, principal: Principal): DocumentDto {
      return presentDocument(requireDocument(id, principal));
    },

    /** Where the original upload of a document is, and how to serve it. */
    originalFile(id: string, principal: Principal) {
      return storedFile(requireDocument(id, principal));
    },

    /** The original file behind a signed file link: access was checked when the link was issued. */
    linkedFile(id: string) {
      const doc = documents.get(id);
      if (!doc) throw new NotFoundError('document not found');
      return storedFile(doc);
    },

    /** Removes a document everywhere: its job, its vectors, its FTS rows, its row, and its file if unused. */
    async remove(id: string, caller: Caller): Promise<void> {
      const doc = requireDocument(id, caller.principal);
      await queue.cancel(id);
      await deps.vectors.deleteDocument(id);
      db.transaction(() => {
        deps.chunks.deleteForDocument(id);
        documents.delete(id);
        deps.collections.bumpCorpusVersion(doc.collection_id);
      })();
      if (documents.countBySha(doc.sha256) === 0) await files.remove(doc.sha256);
      deps.logger.info({ documentId: id }, 'document deleted');
      deps.audit.record({ actor: caller.principal, action: 'document.deleted', target: id, ip: caller.ip, details: { filename: doc.filename, collectionId: doc.collection_id } });
      events.deleted({ documentId: id, collectionId: doc.collection_id });
    },

    /**
     * Queues every document for ingestion again (after the embedding model or chunking changed):
     * the statuses change in one transaction, then one `reindex` job takes the documents to the
     * worker, so the request waits for one add whatever their number. Without Redis they wait,
     * saying why, and the sweep queues each from its status once Redis is back.
     */
    async reindexAll(ctx: { actor: Principal | null; ip: string | null }): Promise<number> {
      const ids = documents.allIds();
      db.transaction(() => {
        for (const id of ids) documents.setStatus(id, 'queued', { stage: null, progress: 0, error: null });
      })();
      if (ids.length > 0 && (await deps.reindex.enqueue({ documentIds: ids, requestedBy: ctx.actor?.userId ?? null })) === 'deferred') {
        deps.logger.warn({ documents: ids.length }, 'Redis did not confirm the re-index job; the documents wait for the sweep');
        db.transaction(() => ids.forEach(markWaiting))();
      }
      deps.audit.record({ actor: ctx.actor, action: 'documents.reindexed', ip: ctx.ip, details: { documents: ids.length } });
      return ids.length;
    },

    /** A document's chunks in order, a page at a time. */
    chunks(id: string, principal: Principal, limit: number, offset: number): DocumentChunksDto {
      requireDocument(id, principal);
      const { rows, total } = chunkPages.list(id, limit, offset);
      return { items: rows.map((r) => ({ index: r.chunk_index, page: r.page, heading: r.heading, text: r.text })), total, limit, offset };
    },

    /**
     * Processes a failed document again, a ready one from its stored original (re-process), or one
     * left unfinished by a job that is failed or gone.
     */
    async retry(id: string, principal: Principal): Promise<DocumentDto> {
      const doc = requireDocument(id, principal);
      if (doc.status !== 'failed' && doc.status !== 'ready' && (await queue.jobState(id)).state === 'live') {
        throw new ConflictError(`only a failed or ready document can be processed again; this one is ${doc.status}`);
      }
      documents.setStatus(id, 'queued', { stage: null, progress: 0, error: null });
      if ((await queue.enqueue(id)) === 'deferred') markDeferred(id);
      const dto = presentDocument(requireDocument(id, principal));
      events.queued(dto);
      return dto;
    },
  };

  // Stored safely, but the queue (Redis) did not answer: it waits, and says why.
  function markDeferred(id: string): void {
    deps.logger.warn({ documentId: id }, 'Redis did not confirm the ingest job; the document waits for the sweep');
    markWaiting(id);
  }

  function markWaiting(id: string): void {
    documents.setStatus(id, 'queued', { stage: 'waiting', error: { code: 'redis_unavailable', message: 'stored safely; processing starts when Redis is reachable again', retryable: true } });
  }

  function storedFile(doc: { sha256: string; filename: string; kind: DocumentKind }) {
    if (!files.exists(doc.sha256)) throw new NotFoundError('the original file of this document is missing');
    return { path: files.pathFor(doc.sha256), filename: doc.filename, kind: doc.kind, mimeType: mimeTypeOf(doc.kind) };
  }

  // A document in a collection the caller may not read is as absent as one that never existed.
  function requireDocument(id: string, principal: Principal) {
    const doc = documents.get(id);
    if (!doc || !deps.access.readableIds(principal).includes(doc.collection_id)) throw new NotFoundError('document not found');
    return doc;
  }
}

export type DocumentsService = ReturnType<typeof createDocumentsService>;
