import { useEffect, useRef, useState } from 'react';
import { signOut } from '../../api/session.ts';
import { setTheme, useTheme, type ThemeChoice } from '../../app/theme.ts';
import { clearDrafts } from './drafts.ts';
import { ChangePasswordDialog } from './ChangePasswordDialog.tsx';
import { useSession } from './useSession.ts';

/** Who is signed in, with change password and sign out. */
export function AccountMenu() {
  const state = useSession();
  const [open, setOpen] = useState(false);
  const [changing, setChanging] = useState(false);
  const theme = useTheme();
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const handlePointer = (e: PointerEvent) => {
      if (!ref.current?.contains(e.target as Node)) setOpen(false);
    };
    const handleKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOpen(false);
    };
    document.addEventListener('pointerdown', handlePointer);
    document.addEventListener('keydown', handleKey);
    return () => {
      document.removeEventListener('pointerdown', handlePointer);
      document.removeEventListener('keydown', handleKey);
    };
  }, [open]);

  if (state.status !== 'signedIn' && state.status !== 'expired') return null;
  const { user } = state;

  function handleSignOut() {
    clearDrafts();
    void signOut();
  }

  return (
    <div className="account" ref={ref}>
      <button type="button" className="button button-ghost account-button" aria-expanded={open} aria-haspopup="true" onClick={() => setOpen((v) => !v)}>
        <span className="account-avatar" aria-hidden="true">
          {(user.name || user.email).charAt(0).toUpperCase()}
        </span>
        <span className="account-name">{user.name || user.email}</span>
      </button>
      {open && (
        <div className="account-menu">
          <p className="account-who">
            {user.email}
            <span className={`badge badge-role-${user.role}`}>{user.role}</span>
          </p>
          <label className="menu-item menu-theme">
            Theme
            <select value={theme} onChange={(e) => setTheme(e.target.value as ThemeChoice)}>
              <option value="system">As the system</option>
              <option value="light">Light</option>
              <option value="dark">Dark</option>
            </select>
          </label>
          <button type="button" className="menu-item" onClick={() => (setChanging(true), setOpen(false))}>
            Change password
          </button>
          <button type="button" className="menu-item" onClick={handleSignOut}>
            Sign out
          </button>
        </div>
      )}
      <ChangePasswordDialog open={changing} onClose={() => setChanging(false)} />
    </div>
  );
}
