import { SignInForm } from './SignInForm.tsx';
import { Logo } from '../../app/Logo.tsx';

/** The whole page when nobody is signed in. */
export function SignInPage() {
  return (
    <main className="sign-in-page" id="main">
      <div className="sign-in-card">
        <Logo />
        <h1 className="sign-in-title">Sign in</h1>
        <p className="muted">Ask questions about your organisation's documents.</p>
        <SignInForm />
      </div>
    </main>
  );
}
