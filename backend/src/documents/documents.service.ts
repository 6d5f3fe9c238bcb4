import { randomUUID } from 'node:crypto';
import type { VectorStore } from '../clients/chroma.ts';
import type { Db } from '../clients/db.ts';
import { uploadFieldsSchema, type DocumentDto, type ListDocumentsQuery } from '../contracts/documents.ts';
import { parseInput } from '../http/validate.ts';
import { BadRequestError, ConflictError, NotFoundError } from '../http/errors.ts';
import type { IngestQueue } from '../ingest/jobs.ts';
import type { DocumentKind } from '../ingest/parse/parse.types.ts';
import type { Logger } from '../logger.ts';
import type { ChunksRepository } from '../retrieval/chunks.repository.ts';
import type { DocumentsRepository } from './documents.repository.ts';
import { presentDocument } from './documents.presenter.ts';
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
  documents: DocumentsRepository;
  chunks: ChunksRepository;
  vectors: VectorStore;
  files: FileStore;
  queue: IngestQueue;
  events: DocumentEvents;
  collectionExists: (id: string) => boolean;
  logger: Logger;
}

export function createDocumentsService(deps: DocumentsServiceDeps) {
  const { db, documents, files, queue, events } = deps;

  return {
    /**
     * Stores uploaded files and queues them for ingestion. Every file is checked before anything
     * is kept, so one bad file rejects the whole upload and nothing is stored.
     */
    async upload(uploaded: UploadedFile[], fields: unknown, uploadedBy: string | null) {
      try {
        const { collectionId } = parseInput(uploadFieldsSchema, fields ?? {}, 'form fields');
        if (uploaded.length === 0) throw new BadRequestError('no files: send one or more files in the "files" field', undefined, 'invalid_upload');
        if (!deps.collectionExists(collectionId)) throw new NotFoundError('collection not found');
        const checked: { file: UploadedFile; kind: DocumentKind; filename: string }[] = [];
        for (const file of uploaded) {
          const filename = cleanFilename(file.originalname);
          if (file.size === 0) throw new BadRequestError(`${filename} is empty`, undefined, 'empty_file');
          checked.push({ file, kind: await detectKind(file.tempPath, filename), filename });
        }

        const results: (DocumentDto & { duplicate: boolean })[] = [];
        const queued: DocumentDto[] = [];
        for (const { file, kind, filename } of checked) {
          const existing = documents.findBySha(collectionId, file.sha256);
          if (existing) {
            await files.discard(file.tempPath);
            results.push({ ...presentDocument(existing), duplicate: true });
            continue;
          }
          await files.commit(file);
          const row = db.transaction(
            () =>
              documents.findBySha(collectionId, file.sha256) ??
              documents.insert({ id: randomUUID(), collectionId, sha256: file.sha256, filename, kind, sizeBytes: file.size, uploadedBy }),
          )();
          const dto = presentDocument(row);
          results.push({ ...dto, duplicate: false });
          queued.push(dto);
        }
        // Only after the rows are committed: a job must never see a document that does not exist yet.
        for (const dto of queued) {
          await queue.enqueue(dto.id);
          events.queued(dto);
        }
        return { documents: results };
      } finally {
        await Promise.all(uploaded.map((f) => files.discard(f.tempPath)));
      }
    },

    list(query: ListDocumentsQuery) {
      const { items, total } = documents.list(query);
      return { items: items.map(presentDocument), total, limit: query.limit, offset: query.offset };
    },

    get(id: string): DocumentDto {
      return presentDocument(requireDocument(id));
    },

    /** Where the original upload of a document is, and how to serve it. */
    originalFile(id: string) {
      const doc = requireDocument(id);
      if (!files.exists(doc.sha256)) throw new NotFoundError('the original file of this document is missing');
      return { path: files.pathFor(doc.sha256), filename: doc.filename, kind: doc.kind, mimeType: mimeTypeOf(doc.kind) };
    },

    /** Removes a document everywhere: its job, its vectors, its FTS rows, its row, and its file if unused. */
    async remove(id: string): Promise<void> {
      const doc = requireDocument(id);
      await queue.cancel(id);
      await deps.vectors.deleteDocument(id);
      db.transaction(() => {
        deps.chunks.deleteForDocument(id);
        documents.delete(id);
        documents.bumpCorpusVersion(doc.collection_id);
      })();
      if (documents.countBySha(doc.sha256) === 0) await files.remove(doc.sha256);
      deps.logger.info({ documentId: id }, 'document deleted');
      events.deleted({ documentId: id, collectionId: doc.collection_id });
    },

    /** Queues a failed document again. */
    async retry(id: string): Promise<DocumentDto> {
      const doc = requireDocument(id);
      if (doc.status !== 'failed') throw new ConflictError(`only failed documents can be retried; this one is ${doc.status}`);
      documents.setStatus(id, 'queued', { stage: null, progress: 0, error: null });
      await queue.enqueue(id);
      const dto = presentDocument(requireDocument(id));
      events.queued(dto);
      return dto;
    },
  };

  function requireDocument(id: string) {
    const doc = documents.get(id);
    if (!doc) throw new NotFoundError('document not found');
    return doc;
  }
}

export type DocumentsService = ReturnType<typeof createDocumentsService>;
