import { useNavigate } from 'react-router';
import { Button } from '../../../components/ui/button';
import { notify } from '../../../components/ui/toaster';
import { errorMessage } from '../../../lib/api';
import { useSignOut } from '../api/session';

export function SignOutButton() {
  const signOut = useSignOut();
  const navigate = useNavigate();
  return (
    <Button
      variant="secondary"
      size="sm"
      disabled={signOut.isPending}
      onClick={() =>
        signOut.mutate(undefined, {
          onSuccess: () => void navigate('/sign-in', { replace: true }),
          onError: (error) => notify(`Not signed out: ${errorMessage(error)} This browser is still signed in.`, 'error'),
        })
      }
    >
      Sign out
    </Button>
  );
}
