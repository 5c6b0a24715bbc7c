import { useNavigate } from 'react-router';
import { Button } from '../../../components/ui/button';
import { useSignOut } from '../api/session';

export function SignOutButton() {
  const signOut = useSignOut();
  const navigate = useNavigate();
  return (
    <Button
      variant="secondary"
      size="sm"
      disabled={signOut.isPending}
      onClick={() => signOut.mutate(undefined, { onSettled: () => void navigate('/sign-in', { replace: true }) })}
    >
      Sign out
    </Button>
  );
}
