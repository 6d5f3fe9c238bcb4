import { useState } from 'react';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { collectionName, useCollections } from '../../api/collections.ts';
import { describeError } from '../../api/errors.ts';
import { Link, navigate } from '../../app/router.tsx';
import { PageLoading } from '../../app/PageStates.tsx';
import { ConfirmDialog } from '../../ui/Dialog.tsx';
import { Notice } from '../../ui/Notice.tsx';
import { Pager } from '../../ui/Pager.tsx';
import { formatBytes, formatDate, formatNumber, plural } from '../../ui/format.ts';
import { toast } from '../../ui/toast.tsx';
import { usePermissions } from '../auth/useSession.ts';
import { openDocumentFile } from '../chat/openDocument.ts';
import { deleteDocument, documentKey, documentsKey, fetchAllDocuments, fetchChunks, fetchDocument, retryDocument, type LiveDocument } from './documents.api.ts';
import { ProcessingProgress } from './ProcessingProgress.tsx';
import { useLiveDocuments } from './useLiveDocuments.ts';
import './documents.css';

const CHUNKS_PAGE = 20;

/** One document: what it is, what happened to it, its chunks as the model sees them, and its actions. */
export default function DocumentPage({ id }: { id: string }) {
  const { canEdit } = usePermissions();
  const queryClient = useQueryClient();
  const collections = useCollections();
  const fetched = useQuery({ queryKey: documentKey(id), queryFn: ({ signal }) => fetchDocument(id, signal) });
  const collectionId = fetched.data?.collectionId ?? '';
  // The collection's live list carries progress events; the document is read from it once loaded.
  const list = useQuery({ queryKey: documentsKey(collectionId), queryFn: ({ signal }) => fetchAllDocuments(collectionId, signal), enabled: collectionId !== '' });
  useLiveDocuments(collectionId ? [collectionId] : []);
  const doc: LiveDocument | undefined = list.data?.find((d) => d.id === id) ?? (list.isSuccess ? undefined : fetched.data);
  const [chunkPage, setChunkPage] = useState(0);
  const chunks = useQuery({
    queryKey: ['document', id, 'chunks', chunkPage, doc?.readyAt ?? null],
    queryFn: ({ signal }) => fetchChunks(id, CHUNKS_PAGE, chunkPage * CHUNKS_PAGE, signal),
    enabled: doc?.status === 'ready',
    placeholderData: keepPreviousData,
  });
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [openError, setOpenError] = useState<string | null>(null);

  if (fetched.isPending) return <PageLoading label="Loading the document…" />;
  if (fetched.isError || (list.isSuccess && !doc)) {
    return (
      <div className="page">
        <BackLink />
        <Notice tone="error" title="This document could not be opened.">
          {fetched.isError ? describeError(fetched.error) : 'It has been deleted.'}
        </Notice>
      </div>
    );
  }
  if (!doc) return <PageLoading label="Loading the document…" />;

  function handleOpen(page: number | null) {
    setOpenError(null);
    openDocumentFile(doc!.id, doc!.filename, page).catch((err: unknown) => setOpenError(describeError(err)));
  }

  async function handleReprocess() {
    try {
      const updated = await retryDocument(id);
      queryClient.setQueryData<LiveDocument[]>(documentsKey(updated.collectionId), (l) => l?.map((d) => (d.id === id ? { ...d, ...updated } : d)));
      toast(`Processing ${updated.filename} again.`);
    } catch (err) {
      toast(`${doc!.filename} could not be processed again: ${describeError(err, [doc!.filename])}`, 'error', 8000);
    }
  }

  async function handleDelete() {
    setBusy(true);
    try {
      await deleteDocument(id);
      queryClient.setQueryData<LiveDocument[]>(documentsKey(doc!.collectionId), (l) => l?.filter((d) => d.id !== id));
      toast(`Deleted ${doc!.filename}.`);
      navigate('/documents', { replace: true });
    } catch (err) {
      toast(`${doc!.filename} could not be deleted: ${describeError(err, [doc!.filename])}`, 'error', 8000);
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  }

  const busyProcessing = doc.status === 'queued' || doc.status === 'processing';
  return (
    <div className="page document-page">
      <BackLink />
      <div className="page-head page-head-row">
        <div className="document-title">
          <h1>{doc.filename}</h1>
          <p className="muted">
            {doc.kind.toUpperCase()} · {formatBytes(doc.sizeBytes)} · in {collectionName(collections.data, doc.collectionId)}
          </p>
        </div>
        <div className="page-head-actions">
          <button type="button" className="button button-primary" onClick={() => handleOpen(doc.kind === 'pdf' ? 1 : null)}>
            {doc.kind === 'pdf' ? 'Open original' : 'Download original'}
          </button>
          {doc.status === 'ready' && (
            <button type="button" className="button" onClick={() => navigate(`/chat?document=${encodeURIComponent(doc.id)}`)}>
              Ask this document
            </button>
          )}
          {canEdit && (
            <button type="button" className="button" onClick={() => void handleReprocess()} disabled={busyProcessing}>
              {doc.status === 'failed' ? 'Retry' : 'Re-process'}
            </button>
          )}
          {canEdit && (
            <button type="button" className="button button-danger-ghost" onClick={() => setConfirming(true)}>
              Delete
            </button>
          )}
        </div>
      </div>
      {openError && (
        <p className="form-error" role="alert">
          {openError}
        </p>
      )}

      <div className="document-grid">
        <section className="card" aria-labelledby="doc-status-title">
          <h2 id="doc-status-title" className="section-title">
            Status
          </h2>
          <ProcessingProgress doc={doc} />
          {doc.error && (
            <p className={doc.status === 'failed' ? 'document-failure' : 'muted'}>
              <strong>{doc.status === 'failed' ? 'Why it failed: ' : 'Note: '}</strong>
              {doc.error.message}
              {doc.error.retryable ? ' (it is retried automatically)' : ''}
            </p>
          )}
          <h3 className="document-subtitle">History</h3>
          <ol className="document-history">
            <li>
              <span>Uploaded{doc.uploadedBy ? ` by ${doc.uploadedBy.name}` : ''}</span> <time dateTime={doc.createdAt}>{formatDate(doc.createdAt)}</time>
            </li>
            {doc.readyAt && (
              <li>
                <span>Ready to be asked</span> <time dateTime={doc.readyAt}>{formatDate(doc.readyAt)}</time>
              </li>
            )}
            {doc.status === 'failed' && (
              <li>
                <span>Failed</span> <time dateTime={doc.updatedAt}>{formatDate(doc.updatedAt)}</time>
              </li>
            )}
            {busyProcessing && (
              <li>
                <span>{doc.status === 'queued' ? 'Waiting to be processed' : 'Being processed'}</span> <time dateTime={doc.updatedAt}>since {formatDate(doc.updatedAt)}</time>
              </li>
            )}
          </ol>
        </section>
        <section className="card" aria-labelledby="doc-meta-title">
          <h2 id="doc-meta-title" className="section-title">
            Details
          </h2>
          <dl className="document-meta">
            <dt>Pages</dt>
            <dd>{formatNumber(doc.pageCount)}</dd>
            <dt>Chunks</dt>
            <dd>{formatNumber(doc.chunkCount)}</dd>
            <dt>Collection</dt>
            <dd>{collectionName(collections.data, doc.collectionId)}</dd>
            <dt>Uploaded by</dt>
            <dd>{doc.uploadedBy?.name ?? '—'}</dd>
            <dt>Last change</dt>
            <dd>{formatDate(doc.updatedAt)}</dd>
            <dt>SHA-256</dt>
            <dd className="document-hash">{doc.sha256}</dd>
          </dl>
        </section>
      </div>

      <section className="card" aria-labelledby="doc-chunks-title">
        <h2 id="doc-chunks-title" className="section-title">
          Chunks{chunks.data ? ` (${chunks.data.total.toLocaleString()})` : ''}
        </h2>
        <p className="muted">The text as the model sees it when it answers, with the page each chunk starts on.</p>
        {doc.status !== 'ready' && <p className="muted">The chunks appear once the document is ready.</p>}
        {chunks.isError && <Notice tone="error" title="The chunks could not be loaded.">{describeError(chunks.error)}</Notice>}
        {chunks.data && (
          <>
            <ol className="chunk-list" aria-busy={chunks.isFetching}>
              {chunks.data.items.map((c) => (
                <li key={c.index} className="chunk" data-testid="chunk">
                  <div className="chunk-head">
                    <strong>Chunk {c.index + 1}</strong>
                    {c.page !== null && <span className="muted"> · page {c.page}</span>}
                    {c.heading && <span className="muted"> · {c.heading}</span>}
                    {doc.kind === 'pdf' && c.page !== null && (
                      <button type="button" className="button button-small button-ghost" onClick={() => handleOpen(c.page)}>
                        Open at page {c.page}
                      </button>
                    )}
                  </div>
                  <p className="chunk-text">{c.text}</p>
                </li>
              ))}
            </ol>
            <Pager page={chunkPage} pageSize={CHUNKS_PAGE} total={chunks.data.total} onPage={setChunkPage} label="Chunk pages" />
          </>
        )}
      </section>

      <ConfirmDialog
        open={confirming}
        title="Delete this document?"
        message={
          <p>
            <strong>{doc.filename}</strong> will be removed with its {plural(doc.chunkCount ?? 0, 'chunk')} and search index. Answers will no longer cite it. This cannot be
            undone.
          </p>
        }
        confirmLabel="Delete"
        busy={busy}
        onConfirm={() => void handleDelete()}
        onCancel={() => setConfirming(false)}
      />
    </div>
  );
}

function BackLink() {
  return (
    <Link href="/documents" className="back-link">
      ← All documents
    </Link>
  );
}
