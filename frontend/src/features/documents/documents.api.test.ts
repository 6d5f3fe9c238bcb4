import { describe, expect, it } from 'vitest';
import type { DocumentDto } from '@contracts/documents.ts';
import { PENDING_REFETCH_MS, refetchWhilePending } from './documents.api.ts';

const doc = (status: DocumentDto['status']) => ({ id: status, status }) as DocumentDto;

describe('refetchWhilePending', () => {
  it('reads the list again while a document is queued or processing, so a missed live event does not leave it stale', () => {
    expect(refetchWhilePending([doc('ready'), doc('queued')])).toBe(PENDING_REFETCH_MS);
    expect(refetchWhilePending([doc('processing')])).toBe(PENDING_REFETCH_MS);
  });

  it('stops reading it again once every document has finished, and before the list is loaded', () => {
    expect(refetchWhilePending([doc('ready'), doc('failed')])).toBe(false);
    expect(refetchWhilePending(undefined)).toBe(false);
  });
});
