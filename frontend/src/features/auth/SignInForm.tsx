import { useState, type FormEvent } from 'react';
import { loginRequestSchema } from '@contracts/auth.ts';
import { RateLimitedError, UnauthorizedError, describeError } from '../../api/errors.ts';
import { signIn } from '../../api/session.ts';

interface SignInFormProps {
  /** Pre-filled and fixed when an expired session signs in again. */
  email?: string;
  onSignedIn?: () => void;
}

/** E-mail and password; says plainly why a sign-in failed (wrong password, locked out for N s). */
export function SignInForm({ email: fixedEmail, onSignedIn }: SignInFormProps) {
  const [email, setEmail] = useState(fixedEmail ?? '');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function handleSubmit(e: FormEvent) {
    e.preventDefault();
    const parsed = loginRequestSchema.safeParse({ email, password });
    if (!parsed.success) {
      setError('Enter your e-mail address and password.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await signIn(parsed.data.email, parsed.data.password);
      onSignedIn?.();
    } catch (err) {
      if (err instanceof UnauthorizedError) setError('That e-mail and password do not match an active account.');
      else if (err instanceof RateLimitedError) setError(`Too many attempts. Try again in ${err.retryAfterSeconds} s.`);
      else setError(describeError(err));
      setBusy(false);
    }
  }

  return (
    <form className="form sign-in-form" onSubmit={handleSubmit} noValidate>
      <label className="field">
        <span className="field-label">E-mail</span>
        <input
          type="email"
          name="email"
          autoComplete="username"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          readOnly={Boolean(fixedEmail)}
          required
          autoFocus={!fixedEmail}
        />
      </label>
      <label className="field">
        <span className="field-label">Password</span>
        <input
          type="password"
          name="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
          data-autofocus={fixedEmail ? true : undefined}
        />
      </label>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="button button-primary button-block" disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
