import { useSyncExternalStore } from 'react';
import type { UserRole } from '@contracts/auth.ts';
import { session, type SessionState } from '../../api/session.ts';

export function useSession(): SessionState {
  return useSyncExternalStore(session.subscribe, session.get);
}

export interface Permissions {
  role: UserRole | null;
  /** Upload, delete and retry documents. */
  canEdit: boolean;
  isAdmin: boolean;
}

/** What the signed-in person may do, by role; the server checks again, this only hides what would be refused. */
export function permissionsOf(state: SessionState): Permissions {
  const role = state.status === 'signedIn' || state.status === 'expired' ? state.user.role : null;
  return { role, canEdit: role === 'admin' || role === 'editor', isAdmin: role === 'admin' };
}

export function usePermissions(): Permissions {
  return permissionsOf(useSession());
}
