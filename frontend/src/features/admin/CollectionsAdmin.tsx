import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { CollectionDto } from '@contracts/admin.ts';
import { collectionsKey, useCollections } from '../../api/collections.ts';
import { describeError } from '../../api/errors.ts';
import { ConfirmDialog, Dialog } from '../../ui/Dialog.tsx';
import { formatDate, plural } from '../../ui/format.ts';
import { ActionsHeader, RowAction } from '../../ui/RowAction.tsx';
import { toast } from '../../ui/toast.tsx';
import { adminApi } from './admin.api.ts';
import { CollectionForm } from './CollectionForm.tsx';
import { MembersDialog } from './MembersDialog.tsx';
import { QueryState } from './QueryState.tsx';

/** Knowledge bases: who may read each (everyone or listed members), created, edited and deleted here. */
export function CollectionsAdmin() {
  const queryClient = useQueryClient();
  const collections = useCollections();
  const [editing, setEditing] = useState<CollectionDto | null>(null);
  const [members, setMembers] = useState<CollectionDto | null>(null);
  const [deleting, setDeleting] = useState<CollectionDto | null>(null);
  const [busy, setBusy] = useState(false);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: collectionsKey });

  async function handleDelete() {
    if (!deleting) return;
    setBusy(true);
    try {
      await adminApi.deleteCollection(deleting.id);
      refresh();
      toast(`Collection “${deleting.name}” deleted.`);
    } catch (err) {
      toast(`The collection was not deleted: ${describeError(err)}`, 'error', 8000);
    } finally {
      setBusy(false);
      setDeleting(null);
    }
  }

  return (
    <section className="admin-section" aria-labelledby="collections-title">
      <h2 id="collections-title" className="section-title">
        Collections and members
      </h2>
      <QueryState query={collections} what="collections" />
      {collections.data && (
        <div className="table-wrap card">
          <table className="table table-stack">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Description</th>
                <th scope="col">Readable by</th>
                <th scope="col" className="num">
                  Documents
                </th>
                <th scope="col">Created</th>
                <ActionsHeader />
              </tr>
            </thead>
            <tbody>
              {collections.data.map((c) => (
                <tr key={c.id}>
                  <th scope="row" data-label="Name">
                    {c.name}
                  </th>
                  <td data-label="Description">{c.description || <span className="muted">—</span>}</td>
                  <td data-label="Readable by">{c.visibility === 'members' ? plural(c.memberIds?.length ?? 0, 'member') : 'Everyone'}</td>
                  <td data-label="Documents" className="num">
                    {c.documentCount}
                  </td>
                  <td data-label="Created">{formatDate(c.createdAt)}</td>
                  <td className="actions-cell">
                    <RowAction label="Edit" item={c.name} onClick={() => setEditing(c)} />
                    <RowAction label="Members" of item={c.name} onClick={() => setMembers(c)} />
                    {c.id !== 'default' && <RowAction label="Delete" item={c.name} danger onClick={() => setDeleting(c)} />}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="card">
        <h3 className="form-title">Create a collection</h3>
        <CollectionForm onSaved={refresh} />
      </div>

      <Dialog open={editing !== null} title={`Edit ${editing?.name ?? ''}`} onClose={() => setEditing(null)} size="medium">
        {editing && <CollectionForm collection={editing} onSaved={() => (refresh(), setEditing(null))} onCancel={() => setEditing(null)} />}
      </Dialog>
      {members && <MembersDialog collection={members} onClose={() => setMembers(null)} onSaved={refresh} />}
      <ConfirmDialog
        open={deleting !== null}
        title="Delete this collection?"
        message={
          <p>
            “{deleting?.name}” holds {plural(deleting?.documentCount ?? 0, 'document')}. Deleting it removes them and their search index. This cannot be
            undone.
          </p>
        }
        confirmLabel="Delete collection"
        busy={busy}
        onConfirm={() => void handleDelete()}
        onCancel={() => setDeleting(null)}
      />
    </section>
  );
}
