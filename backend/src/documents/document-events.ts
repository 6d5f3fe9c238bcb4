import { EventEmitter } from 'node:events';
import type { DocumentDto } from '../contracts/documents.ts';

type Events = {
  queued: [DocumentDto];
  deleted: [{ documentId: string; collectionId: string }];
};

/** In-process events that the api raises itself (uploads, deletes); the realtime gateway relays them. */
export function createDocumentEventBus() {
  const emitter = new EventEmitter<Events>();
  return {
    queued: (doc: DocumentDto) => emitter.emit('queued', doc),
    deleted: (payload: { documentId: string; collectionId: string }) => emitter.emit('deleted', payload),
    on: <K extends keyof Events>(name: K, listener: (...args: Events[K]) => void) => emitter.on(name, listener as never),
  };
}

export type DocumentEventBus = ReturnType<typeof createDocumentEventBus>;
