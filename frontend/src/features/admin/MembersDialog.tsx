import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { CollectionDto } from '@contracts/admin.ts';
import { describeError } from '../../api/errors.ts';
import { Dialog } from '../../ui/Dialog.tsx';
import { toast } from '../../ui/toast.tsx';
import { adminApi, adminKeys } from './admin.api.ts';
import { QueryState } from './QueryState.tsx';

/** Who may read a members-only collection: a checklist of users. */
export function MembersDialog({ collection, onClose, onSaved }: { collection: CollectionDto; onClose: () => void; onSaved: () => void }) {
  const users = useQuery({ queryKey: adminKeys.users, queryFn: ({ signal }) => adminApi.users(signal) });
  const [chosen, setChosen] = useState<Set<string>>(new Set(collection.memberIds ?? []));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  function handleToggle(id: string) {
    setChosen((prev) => {
      const next = new Set(prev);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  }

  async function handleSave() {
    setBusy(true);
    setError(null);
    try {
      await adminApi.setMembers(collection.id, [...chosen]);
      toast(`Members of “${collection.name}” saved.`);
      onSaved();
      onClose();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog
      open
      title={`Members of ${collection.name}`}
      onClose={onClose}
      size="medium"
      actions={
        <>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="button button-primary" onClick={() => void handleSave()} disabled={busy || !users.data}>
            {busy ? 'Saving…' : 'Save members'}
          </button>
        </>
      }
    >
      {collection.visibility === 'everyone' && <p className="muted">This collection is readable by everyone; members matter once it is set to “only listed members”.</p>}
      <QueryState query={users} what="users" />
      {users.data && (
        <fieldset className="member-list">
          <legend className="visually-hidden">Members</legend>
          {users.data.map((u) => (
            <label key={u.id} className="check">
              <input type="checkbox" checked={chosen.has(u.id)} onChange={() => handleToggle(u.id)} />
              {u.name} <span className="muted">{u.email} · {u.role}</span>
            </label>
          ))}
        </fieldset>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </Dialog>
  );
}
