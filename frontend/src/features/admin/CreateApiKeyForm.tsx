import { useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { API_KEY_SCOPES, createApiKeyRequestSchema, type ApiKeyScope, type CreatedApiKeyDto } from '@contracts/auth.ts';
import { describeError } from '../../api/errors.ts';
import { adminApi, adminKeys } from './admin.api.ts';
import { Field, FormFooter } from './Field.tsx';
import { fieldErrors, serverFieldErrors, type FieldErrors } from './formErrors.ts';

const SCOPE_HELP: Record<ApiKeyScope, string> = { query: 'ask questions, read documents', ingest: 'upload and retry documents (not delete)', admin: 'administration, deleting documents included' };

/** Name, scopes and an optional expiry date (the key stops working at the end of that day, UTC). */
export function CreateApiKeyForm({ onCreated }: { onCreated: (key: CreatedApiKeyDto) => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiKeyScope[]>(['query']);
  const [expires, setExpires] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);

  async function handleSubmit(e: FormEvent) {
    e.preventDefault();
    const parsed = createApiKeyRequestSchema.safeParse({ name, scopes, ...(expires ? { expiresAt: `${expires}T23:59:59Z` } : {}) });
    if (!parsed.success) return setErrors(fieldErrors(parsed.error));
    setErrors({});
    setBusy(true);
    try {
      const key = await adminApi.createApiKey(parsed.data);
      void queryClient.invalidateQueries({ queryKey: adminKeys.apiKeys });
      setName('');
      setExpires('');
      onCreated(key);
    } catch (err) {
      setErrors(serverFieldErrors(err) ?? { _form: describeError(err) });
    } finally {
      setBusy(false);
    }
  }

  function handleScope(scope: ApiKeyScope, on: boolean) {
    setScopes((list) => (on ? [...list, scope] : list.filter((s) => s !== scope)));
  }

  return (
    <form className="card form form-grid" onSubmit={handleSubmit} noValidate aria-labelledby="new-key-title">
      <h3 id="new-key-title" className="form-title">
        Create a key
      </h3>
      <Field label="Name" error={errors.name} hint="Which program uses it, e.g. “intranet search”.">
        <input value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
      </Field>
      <fieldset className={`field${errors.scopes ? ' has-error' : ''}`}>
        <legend className="field-label">Scopes</legend>
        {API_KEY_SCOPES.map((s) => (
          <label key={s} className="check">
            <input type="checkbox" checked={scopes.includes(s)} onChange={(e) => handleScope(s, e.target.checked)} />
            {s} <span className="muted">— {SCOPE_HELP[s]}</span>
          </label>
        ))}
        {errors.scopes && <span className="field-error">{errors.scopes}</span>}
      </fieldset>
      <Field label="Expires (optional)" error={errors.expiresAt}>
        <input type="date" value={expires} onChange={(e) => setExpires(e.target.value)} min={new Date().toISOString().slice(0, 10)} />
      </Field>
      <FormFooter error={errors._form} busy={busy} label="Create key" busyLabel="Creating…" />
    </form>
  );
}
