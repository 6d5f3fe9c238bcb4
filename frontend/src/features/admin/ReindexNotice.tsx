import { useState } from 'react';
import { describeError } from '../../api/errors.ts';
import { Notice } from '../../ui/Notice.tsx';
import { plural } from '../../ui/format.ts';
import { toast } from '../../ui/toast.tsx';
import { adminApi } from './admin.api.ts';

/** After the embedding model or chunking changed: existing documents keep the old index until re-indexed. */
export function ReindexNotice({ onDone }: { onDone: () => void }) {
  const [busy, setBusy] = useState(false);

  async function handleReindex() {
    setBusy(true);
    try {
      const { queued } = await adminApi.reindex();
      toast(`Re-indexing ${plural(queued, 'document')}; progress shows on the documents page.`);
      onDone();
    } catch (err) {
      toast(`Re-indexing did not start: ${describeError(err)}`, 'error');
      setBusy(false);
    }
  }

  return (
    <Notice
      tone="warning"
      title="Existing documents still use the old embedding or chunking."
      action={
        <button type="button" className="button button-small" onClick={() => void handleReindex()} disabled={busy}>
          {busy ? 'Starting…' : 'Re-index all documents'}
        </button>
      }
    >
      New uploads use the new settings. Re-index to process every existing document again with them.
    </Notice>
  );
}
