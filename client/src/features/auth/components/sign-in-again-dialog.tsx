import { useQueryClient } from '@tanstack/react-query';
import { useSyncExternalStore } from 'react';
import { Dialog } from '../../../components/ui/dialog';
import { notify } from '../../../components/ui/toaster';
import { SignInForm } from './sign-in-form';

interface SignInRequest {
  open: boolean;
  /** a save (or another change) was refused for want of a session */
  refusedChange: boolean;
}

const CLOSED: SignInRequest = { open: false, refusedChange: false };
let request = CLOSED;
const listeners = new Set<() => void>();

function set(next: SignInRequest): void {
  request = next;
  listeners.forEach((l) => l());
}

/**
 * Asks the operator to sign in again in a dialog over the page (the QueryClient calls this on a 401
 * once this browser had a session). The page stays mounted behind it, so every form keeps what was
 * typed into it, in memory only: nothing is written to storage, a provider key included.
 */
export function askToSignInAgain(refusedChange: boolean): void {
  if (request.open && (request.refusedChange || !refusedChange)) return;
  set({ open: true, refusedChange: request.refusedChange || refusedChange });
}

/**
 * Nothing is sent again by itself: a refused save is the operator's to review and press again, so
 * what reaches the API is always what they see in the form at that moment.
 */
export function SignInAgainDialog() {
  const { open, refusedChange } = useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => request,
  );
  const queryClient = useQueryClient();

  const signedIn = () => {
    set(CLOSED);
    // only what failed is read again: what the page shows, and what its forms hold, stays as it is
    void queryClient.refetchQueries({ type: 'active', predicate: (query) => query.state.status === 'error' });
    notify(refusedChange ? 'Signed in again. Your unsaved changes are still here: review them and save again.' : 'Signed in again.');
  };

  return (
    <Dialog
      open={open}
      onOpenChange={() => undefined}
      dismissible={false}
      title="Sign in again"
      description="This page stays open behind this dialog, with everything you typed into it. Sign in to carry on where you were."
    >
      <SignInForm notice={refusedChange ? 'Your session has ended, so your last change was not saved.' : 'Your session has ended.'} onSignedIn={signedIn} />
    </Dialog>
  );
}
