import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { ApiKeyDto, CreatedApiKeyDto } from '@contracts/auth.ts';
import { describeError } from '../../api/errors.ts';
import { ConfirmDialog, Dialog } from '../../ui/Dialog.tsx';
import { EmptyState } from '../../ui/Notice.tsx';
import { ActionsHeader, RowAction } from '../../ui/RowAction.tsx';
import { formatDate } from '../../ui/format.ts';
import { toast } from '../../ui/toast.tsx';
import { adminApi, adminKeys } from './admin.api.ts';
import { CreateApiKeyForm } from './CreateApiKeyForm.tsx';
import { QueryState } from './QueryState.tsx';

/** Keys for programs: created with scopes, the secret shown once, revoked with confirmation. */
export function ApiKeysAdmin() {
  const queryClient = useQueryClient();
  const keys = useQuery({ queryKey: adminKeys.apiKeys, queryFn: ({ signal }) => adminApi.apiKeys(signal) });
  const [created, setCreated] = useState<CreatedApiKeyDto | null>(null);
  const [revoking, setRevoking] = useState<ApiKeyDto | null>(null);
  const [busy, setBusy] = useState(false);
  const [copied, setCopied] = useState(false);

  async function handleRevoke() {
    if (!revoking) return;
    setBusy(true);
    try {
      await adminApi.revokeApiKey(revoking.id);
      void queryClient.invalidateQueries({ queryKey: adminKeys.apiKeys });
      toast(`Key “${revoking.name}” revoked.`);
    } catch (err) {
      toast(`The key was not revoked: ${describeError(err)}`, 'error');
    } finally {
      setBusy(false);
      setRevoking(null);
    }
  }

  async function handleCopy() {
    if (!created) return;
    await navigator.clipboard.writeText(created.secret).then(() => setCopied(true), () => setCopied(false));
  }

  return (
    <section className="admin-section" aria-labelledby="keys-title">
      <h2 id="keys-title" className="section-title">
        API keys
      </h2>
      <p className="muted">For programs that ask questions or add documents. Send as “Authorization: Bearer &lt;key&gt;”.</p>
      <QueryState query={keys} what="API keys" />
      {keys.data && keys.data.length === 0 && <EmptyState title="No API keys yet." />}
      {keys.data && keys.data.length > 0 && (
        <div className="table-wrap card">
          <table className="table table-stack">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Key</th>
                <th scope="col">Scopes</th>
                <th scope="col">Created</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <ActionsHeader />
              </tr>
            </thead>
            <tbody>
              {keys.data.map((k) => (
                <tr key={k.id} className={k.revokedAt ? 'is-muted' : undefined}>
                  <th scope="row" data-label="Name">
                    {k.name}
                  </th>
                  <td data-label="Key">
                    <code>{k.prefix}…</code>
                  </td>
                  <td data-label="Scopes">{k.scopes.join(', ')}</td>
                  <td data-label="Created">{formatDate(k.createdAt)}</td>
                  <td data-label="Expires">{k.expiresAt ? formatDate(k.expiresAt) : 'Never'}</td>
                  <td data-label="Last used">{formatDate(k.lastUsedAt)}</td>
                  <td className="actions-cell">
                    {k.revokedAt ? (
                      <span className="badge badge-failed">Revoked</span>
                    ) : (
                      <RowAction label="Revoke" item={k.name} danger onClick={() => setRevoking(k)} />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <CreateApiKeyForm onCreated={(key) => (setCopied(false), setCreated(key))} />

      <Dialog
        open={created !== null}
        title="Copy the new key now"
        onClose={() => setCreated(null)}
        size="medium"
        actions={
          <button type="button" className="button button-primary" onClick={() => setCreated(null)}>
            I have stored it
          </button>
        }
      >
        <p>
          This is the only time the secret of “{created?.name}” is shown. Store it somewhere safe; if it is lost, revoke the key and create a new one.
        </p>
        <div className="secret">
          <code className="secret-value" data-testid="api-key-secret">
            {created?.secret}
          </code>
          <button type="button" className="button button-small" onClick={() => void handleCopy()}>
            {copied ? 'Copied' : 'Copy'}
          </button>
        </div>
      </Dialog>
      <ConfirmDialog
        open={revoking !== null}
        title="Revoke this key?"
        message={<p>Programs using “{revoking?.name}” will be refused from now on. This cannot be undone.</p>}
        confirmLabel="Revoke"
        busy={busy}
        onConfirm={() => void handleRevoke()}
        onCancel={() => setRevoking(null)}
      />
    </section>
  );
}
