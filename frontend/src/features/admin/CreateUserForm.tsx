import { useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { createUserRequestSchema, ROLES, type UserRole } from '@contracts/auth.ts';
import { describeError } from '../../api/errors.ts';
import { toast } from '../../ui/toast.tsx';
import { adminApi, adminKeys } from './admin.api.ts';
import { Field, FormFooter } from './Field.tsx';
import { fieldErrors, serverFieldErrors, type FieldErrors } from './formErrors.ts';

const EMPTY = { email: '', name: '', role: 'viewer' as UserRole, password: '' };

/** A new account, checked with the same schema the server uses. */
export function CreateUserForm() {
  const queryClient = useQueryClient();
  const [form, setForm] = useState(EMPTY);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const set = (key: keyof typeof EMPTY) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });

  async function handleSubmit(e: FormEvent) {
    e.preventDefault();
    const parsed = createUserRequestSchema.safeParse(form);
    if (!parsed.success) return setErrors(fieldErrors(parsed.error));
    setErrors({});
    setBusy(true);
    try {
      const user = await adminApi.createUser(parsed.data);
      void queryClient.invalidateQueries({ queryKey: adminKeys.users });
      toast(`Account created for ${user.email}.`);
      setForm(EMPTY);
    } catch (err) {
      setErrors(serverFieldErrors(err) ?? { _form: describeError(err) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card form form-grid" onSubmit={handleSubmit} noValidate aria-labelledby="new-user-title">
      <h3 id="new-user-title" className="form-title">
        Add a user
      </h3>
      <Field label="Name" error={errors.name}>
        <input value={form.name} onChange={set('name')} autoComplete="off" />
      </Field>
      <Field label="E-mail" error={errors.email}>
        <input type="email" value={form.email} onChange={set('email')} autoComplete="off" />
      </Field>
      <Field label="Role" error={errors.role}>
        <select value={form.role} onChange={set('role')}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Initial password" error={errors.password} hint="At least 12 characters; share it safely.">
        <input type="password" value={form.password} onChange={set('password')} autoComplete="new-password" />
      </Field>
      <FormFooter error={errors._form} busy={busy} label="Create user" busyLabel="Creating…" />
    </form>
  );
}
