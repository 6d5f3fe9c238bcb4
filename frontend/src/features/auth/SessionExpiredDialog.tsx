import { Dialog } from '../../ui/Dialog.tsx';
import { SignInForm } from './SignInForm.tsx';
import { signOut } from '../../api/session.ts';
import { clearDrafts } from './drafts.ts';

/**
 * Shown over the page when the session runs out: the page stays as it was (typed text, open
 * conversation), and signing in again continues where the person left off.
 */
export function SessionExpiredDialog({ email }: { email: string }) {
  function handleSwitchUser() {
    clearDrafts();
    void signOut();
  }
  return (
    <Dialog open title="Your session has expired" onClose={() => undefined}>
      <p>Sign in again to continue. Nothing you typed has been lost.</p>
      <SignInForm email={email} />
      <button type="button" className="button button-link" onClick={handleSwitchUser}>
        Sign in as someone else
      </button>
    </Dialog>
  );
}
