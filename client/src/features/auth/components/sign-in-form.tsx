import { useState, type FormEvent, type ReactNode } from 'react';
import { Button } from '../../../components/ui/button';
import { Field } from '../../../components/ui/field';
import { isApiError } from '../../../lib/api';
import { useSignIn } from '../api/session';

/** The admin token field; `notice` says why sign-in is asked for (until a wrong token is named at the field). */
export function SignInForm({ notice, onSignedIn }: { notice?: ReactNode; onSignedIn: () => void }) {
  const [token, setToken] = useState('');
  const signIn = useSignIn();
  const error = signIn.error ? (isApiError(signIn.error) ? (signIn.error.fieldError('token') ?? signIn.error.message) : 'Sign-in failed') : undefined;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate(token.trim(), { onSuccess: () => onSignedIn() });
  };

  return (
    <form onSubmit={submit} className="stack" noValidate>
      {notice && !signIn.error && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <Field label="Admin token" error={error} hint="Printed by LLMHub at start-up, or the ADMIN_TOKEN you set. It is exchanged for a session cookie.">
        <input
          className="input"
          type="password"
          name="token"
          autoComplete="current-password"
          value={token}
          onChange={(e) => setToken(e.target.value)}
          required
          autoFocus
        />
      </Field>
      <Button type="submit" disabled={signIn.isPending || token.trim() === ''}>
        {signIn.isPending ? 'Signing in…' : 'Sign in'}
      </Button>
    </form>
  );
}
