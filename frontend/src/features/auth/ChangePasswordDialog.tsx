import { useState, type FormEvent } from 'react';
import { changePasswordRequestSchema } from '@contracts/auth.ts';
import { api, describeError, UnauthorizedError, ValidationError } from '../../api/client.ts';
import { Dialog } from '../../ui/Dialog.tsx';
import { toast } from '../../ui/toast.tsx';

/** Current password and a new one (the shared schema sets the rules). */
export function ChangePasswordDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function handleSubmit(e: FormEvent) {
    e.preventDefault();
    const parsed = changePasswordRequestSchema.safeParse({ currentPassword, newPassword });
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? 'Check the passwords.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.post('/auth/password', parsed.data);
      toast('Password changed.');
      setCurrent('');
      setNew('');
      onClose();
    } catch (err) {
      setError(err instanceof UnauthorizedError || err instanceof ValidationError ? 'The current password is not right, or the new one is refused.' : describeError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog open={open} title="Change password" onClose={onClose}>
      <form className="form" onSubmit={handleSubmit} noValidate>
        <label className="field">
          <span className="field-label">Current password</span>
          <input type="password" autoComplete="current-password" value={currentPassword} onChange={(e) => setCurrent(e.target.value)} />
        </label>
        <label className="field">
          <span className="field-label">New password</span>
          <input type="password" autoComplete="new-password" value={newPassword} onChange={(e) => setNew(e.target.value)} aria-describedby="new-password-hint" />
          <span className="field-hint" id="new-password-hint">
            At least 12 characters.
          </span>
        </label>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? 'Saving…' : 'Change password'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
