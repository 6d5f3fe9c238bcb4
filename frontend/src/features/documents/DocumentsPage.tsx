import { useEffect, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { collectionName, collectionsKey, useCollections } from '../../api/collections.ts';
import { describeError } from '../../api/errors.ts';
import { ConfirmDialog } from '../../ui/Dialog.tsx';
import { EmptyState, Notice } from '../../ui/Notice.tsx';
import { Pager } from '../../ui/Pager.tsx';
import { plural } from '../../ui/format.ts';
import { PageLoading } from '../../app/PageStates.tsx';
import { usePermissions } from '../auth/useSession.ts';
import { documentsKey, fetchAllDocuments, refetchWhilePending } from './documents.api.ts';
import { countByStatus, viewDocuments } from './documentView.ts';
import { DocumentsTable } from './DocumentsTable.tsx';
import { DocumentsToolbar } from './DocumentsToolbar.tsx';
import { isUploadFinished, UploadList } from './UploadList.tsx';
import { UploadDropzone } from './UploadDropzone.tsx';
import { useDocumentActions } from './useDocumentActions.ts';
import { useDocumentsView } from './useDocumentsView.ts';
import { useLiveDocuments } from './useLiveDocuments.ts';
import { uploadQueue, useUploads } from './useUploads.ts';
import './documents.css';

/** Upload, watch processing live, and manage the documents of a collection. */
export default function DocumentsPage() {
  const { canEdit } = usePermissions();
  const { view, collectionId, setCollection, setSearch, setStatus, setSort, setPage } = useDocumentsView();
  const collections = useCollections();
  const docs = useQuery({
    queryKey: documentsKey(collectionId),
    queryFn: ({ signal }) => fetchAllDocuments(collectionId, signal),
    refetchInterval: (query) => refetchWhilePending(query.state.data),
  });
  const uploads = useUploads();
  const actions = useDocumentActions(collectionId);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const queryClient = useQueryClient();

  const liveIds = [...new Set([collectionId, ...uploads.items.map((i) => i.collectionId)])];
  useLiveDocuments(liveIds);
  useEffect(() => setSelected(new Set()), [collectionId]);

  const all = docs.data ?? [];
  // Document counts in the collection switcher follow uploads and deletes.
  useEffect(() => {
    if (docs.isSuccess) void queryClient.invalidateQueries({ queryKey: collectionsKey });
  }, [all.length, docs.isSuccess, queryClient]);
  const { rows, total, matching } = viewDocuments(all, view);
  const chosen = matching.filter((d) => selected.has(d.id));
  const name = collectionName(collections.data, collectionId);

  function handleToggle(id: string) {
    setSelected((prev) => {
      const next = new Set(prev);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  }

  function handleToggleAll(ids: string[], select: boolean) {
    setSelected((prev) => {
      const next = new Set(prev);
      for (const id of ids) if (select) next.add(id);
      else next.delete(id);
      return next;
    });
  }

  async function handleConfirmDelete() {
    await actions.handleConfirmDelete();
    setSelected(new Set());
  }

  return (
    <div className="page">
      <div className="page-head">
        <h1>Documents</h1>
        <p className="muted">{docs.data ? `${plural(all.length, 'document')} in ${name}` : `Collection ${name}`}</p>
      </div>

      {canEdit && (
        <div className="upload-area">
          <UploadDropzone collectionName={name} onFiles={(files) => uploadQueue.add(files, collectionId)} />
          <UploadList
            items={uploads.items}
            documents={uploads.documents}
            onCancel={uploadQueue.cancel}
            onDismiss={uploadQueue.dismiss}
            onClearFinished={() => uploadQueue.clear((i) => isUploadFinished(i, i.documentId ? uploads.documents.get(i.documentId) : undefined))}
            onRepick={uploadQueue.repick}
          />
        </div>
      )}

      <section className="card" aria-labelledby="library-title">
        <h2 id="library-title" className="visually-hidden">
          Documents in {name}
        </h2>
        <DocumentsToolbar
          collections={collections.data ?? []}
          collectionId={collectionId}
          onCollection={setCollection}
          search={view.search}
          onSearch={setSearch}
          status={view.status}
          counts={countByStatus(all)}
          onStatus={setStatus}
        />

        {canEdit && chosen.length > 0 && (
          <div className="bulk-bar" role="region" aria-label="Selected documents">
            <span>{plural(chosen.length, 'document')} selected</span>
            <button type="button" className="button button-small" onClick={() => void actions.retry(chosen)} disabled={!chosen.some((d) => d.status === 'failed')}>
              Retry failed
            </button>
            <button type="button" className="button button-small button-danger" onClick={() => actions.askDelete(chosen)}>
              Delete selected
            </button>
            <button type="button" className="button button-small button-ghost" onClick={() => setSelected(new Set())}>
              Clear selection
            </button>
          </div>
        )}

        {docs.isPending && <PageLoading label="Loading documents…" />}
        {docs.isError && (
          <Notice tone="error" title="The documents could not be loaded." action={<button type="button" className="button button-small" onClick={() => void docs.refetch()}>Try again</button>}>
            {describeError(docs.error)}
          </Notice>
        )}
        {docs.isSuccess && all.length === 0 && (
          <EmptyState title="No documents in this collection yet.">{canEdit ? 'Drop files above, or choose them, to add the first ones.' : 'Ask an editor to add some.'}</EmptyState>
        )}
        {docs.isSuccess && all.length > 0 && total === 0 && <EmptyState title="No document matches this search or filter." />}
        {rows.length > 0 && (
          <>
            <DocumentsTable
              rows={rows}
              canEdit={canEdit}
              selected={selected}
              onToggle={handleToggle}
              onToggleAll={handleToggleAll}
              sort={view.sort}
              dir={view.dir}
              onSort={setSort}
              onDelete={(doc) => actions.askDelete([doc])}
              onRetry={(doc) => void actions.retry([doc])}
            />
            <Pager page={view.page} pageSize={view.pageSize} total={total} onPage={setPage} label="Document pages" />
          </>
        )}
      </section>

      <ConfirmDialog
        open={actions.pendingDelete !== null}
        title={actions.pendingDelete?.length === 1 ? 'Delete this document?' : `Delete ${plural(actions.pendingDelete?.length ?? 0, 'document')}?`}
        message={
          <p>
            {actions.pendingDelete?.length === 1 ? <strong>{actions.pendingDelete[0]!.filename}</strong> : 'The selected documents'} will be removed with their text and search
            index. Answers will no longer cite {actions.pendingDelete?.length === 1 ? 'it' : 'them'}. This cannot be undone.
          </p>
        }
        confirmLabel="Delete"
        busy={actions.busy}
        onConfirm={() => void handleConfirmDelete()}
        onCancel={actions.cancelDelete}
      />
    </div>
  );
}
