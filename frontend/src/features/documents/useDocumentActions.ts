import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { describeError } from '../../api/errors.ts';
import { plural } from '../../ui/format.ts';
import { toast } from '../../ui/toast.tsx';
import { deleteDocument, documentsKey, removeDocument, retryDocument, upsertDocument, type LiveDocument } from './documents.api.ts';

const PARALLEL = 4;

/** Runs `work` over the items a few at a time; resolves with how many failed and the first error. */
async function runAll<T>(items: T[], work: (item: T) => Promise<unknown>): Promise<{ failed: number; firstError: unknown }> {
  let failed = 0;
  let firstError: unknown = null;
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      try {
        await work(item);
      } catch (err) {
        failed++;
        firstError ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, lane));
  return { failed, firstError };
}

/** Delete (after confirmation) and retry, for one document or a selection; the cache updates at once. */
export function useDocumentActions(collectionId: string) {
  const queryClient = useQueryClient();
  const [pendingDelete, setPendingDelete] = useState<LiveDocument[] | null>(null);
  const [busy, setBusy] = useState(false);
  const key = documentsKey(collectionId);

  async function handleConfirmDelete() {
    if (!pendingDelete) return;
    setBusy(true);
    const docs = pendingDelete;
    const { failed, firstError } = await runAll(docs, async (doc) => {
      await deleteDocument(doc.id);
      queryClient.setQueryData<LiveDocument[]>(key, (list) => removeDocument(list, doc.id));
    });
    setBusy(false);
    setPendingDelete(null);
    void queryClient.invalidateQueries({ queryKey: ['collections'] });
    const done = docs.length - failed;
    if (failed === 0) toast(docs.length === 1 ? `Deleted ${docs[0]!.filename}.` : `Deleted ${plural(done, 'document')}.`);
    else toast(`Deleted ${plural(done, 'document')}; ${failed} could not be deleted: ${describeError(firstError)}`, 'error', 8000);
  }

  async function retry(docs: LiveDocument[]) {
    const failedDocs = docs.filter((d) => d.status === 'failed');
    if (failedDocs.length === 0) return;
    const { failed, firstError } = await runAll(failedDocs, async (doc) => {
      const updated = await retryDocument(doc.id);
      queryClient.setQueryData<LiveDocument[]>(key, (list) => upsertDocument(list, updated));
    });
    if (failed === 0) toast(`Retrying ${plural(failedDocs.length, 'document')}.`);
    else toast(`${failed} could not be retried: ${describeError(firstError)}`, 'error', 8000);
  }

  return {
    pendingDelete,
    busy,
    askDelete: (docs: LiveDocument[]) => setPendingDelete(docs),
    cancelDelete: () => setPendingDelete(null),
    handleConfirmDelete,
    retry,
  };
}
