import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ROLES, type UserDto, type UserRole } from '@contracts/auth.ts';
import { describeError } from '../../api/errors.ts';
import { formatDate } from '../../ui/format.ts';
import { RowAction } from '../../ui/RowAction.tsx';
import { toast } from '../../ui/toast.tsx';
import { useSession } from '../auth/useSession.ts';
import { adminApi, adminKeys } from './admin.api.ts';
import { CreateUserForm } from './CreateUserForm.tsx';
import { QueryState } from './QueryState.tsx';

export const ROLE_HELP: Record<UserRole, string> = {
  admin: 'everything, including this page',
  editor: 'upload and delete documents, ask',
  viewer: 'ask questions only',
};

/** Accounts: role changes and disabling apply at once; nobody can lock themselves out. */
export function UsersAdmin() {
  const queryClient = useQueryClient();
  const state = useSession();
  const me = state.status === 'signedIn' ? state.user.id : null;
  const users = useQuery({ queryKey: adminKeys.users, queryFn: ({ signal }) => adminApi.users(signal) });

  async function handleUpdate(user: UserDto, change: { role?: UserRole; disabled?: boolean }) {
    try {
      const updated = await adminApi.updateUser(user.id, change);
      queryClient.setQueryData<UserDto[]>(adminKeys.users, (list) => list?.map((u) => (u.id === user.id ? { ...u, ...updated } : u)));
      toast(change.role ? `${user.email} is now ${change.role}.` : change.disabled ? `${user.email} is disabled.` : `${user.email} is enabled.`);
    } catch (err) {
      toast(`The change was not saved: ${describeError(err)}`, 'error');
    }
  }

  async function handleUnlock(user: UserDto) {
    try {
      const { wasLocked } = await adminApi.unlockUser(user.id);
      toast(wasLocked ? `${user.email} can sign in again.` : `${user.email} was not locked out.`);
    } catch (err) {
      toast(`The account was not unlocked: ${describeError(err)}`, 'error');
    }
  }

  return (
    <section className="admin-section" aria-labelledby="users-title">
      <h2 id="users-title" className="section-title">
        Users and roles
      </h2>
      <p className="muted">
        Admins: {ROLE_HELP.admin}. Editors: {ROLE_HELP.editor}. Viewers: {ROLE_HELP.viewer}.
      </p>
      <p className="muted">Too many wrong passwords lock an account for a while; “Unlock sign-in” lifts that at once.</p>
      <QueryState query={users} what="users" />
      {users.data && (
        <div className="table-wrap card">
          <table className="table table-stack">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">E-mail</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">Last sign-in</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {users.data.map((u) => (
                <tr key={u.id} className={u.disabled ? 'is-muted' : undefined}>
                  <th scope="row" data-label="Name">
                    {u.name}
                    {u.id === me && <span className="muted"> (you)</span>}
                  </th>
                  <td data-label="E-mail">{u.email}</td>
                  <td data-label="Role">
                    <select aria-label={`Role of ${u.email}`} value={u.role} disabled={u.id === me} onChange={(e) => void handleUpdate(u, { role: e.target.value as UserRole })}>
                      {ROLES.map((r) => (
                        <option key={r} value={r}>
                          {r}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td data-label="Status">
                    <button type="button" className="button button-small" disabled={u.id === me} onClick={() => void handleUpdate(u, { disabled: !u.disabled })}>
                      {u.disabled ? 'Enable' : 'Disable'}
                    </button>
                    <span className={`badge ${u.disabled ? 'badge-failed' : 'badge-ready'}`}>{u.disabled ? 'Disabled' : 'Active'}</span>
                    <RowAction label="Unlock sign-in" of item={u.email} onClick={() => void handleUnlock(u)} />
                  </td>
                  <td data-label="Last sign-in">{formatDate(u.lastLoginAt)}</td>
                  <td data-label="Created">{formatDate(u.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <CreateUserForm />
    </section>
  );
}
