import type { ApiKeyCreatedResponseDto } from '@sdk';
import { useState, type FormEvent } from 'react';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { Field, FormError } from '../../../components/ui/field';
import { formError, isSignInRequired } from '../../../lib/api';
import { useOneAtATime } from '../../../lib/one-at-a-time';
import { decimalSeparator, NOT_A_WHOLE_NUMBER, parseDecimalInput, parseWholeNumber } from '../../../lib/parse-number';
import { useUnsavedChanges } from '../../../lib/unsaved-changes';
import { useCreateClient } from '../api/clients';
import { useCreateKey } from '../api/keys';
import { KeyReveal } from './key-reveal';

/** Creates a client and its first key, then shows the key once. */
export function CreateClientDialog({
  open,
  onOpenChange,
  onCreated,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onCreated: (clientId: string) => void;
}) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [budget, setBudget] = useState('');
  const [rpm, setRpm] = useState('');
  // what the form itself finds wrong with a field, before anything is sent
  const [typos, setTypos] = useState<Record<string, string>>({});
  const [created, setCreated] = useState<ApiKeyCreatedResponseDto | null>(null);
  // set once the client exists: a retry after a failed key creates only the key (the name is taken by then)
  const [clientId, setClientId] = useState<string | null>(null);
  // once the client exists, what was typed is saved; closing the dialog clears it
  useUnsavedChanges(!clientId && [name, description, budget, rpm].some((typed) => typed !== ''));
  const createClient = useCreateClient();
  const createKey = useCreateKey();
  const oneAtATime = useOneAtATime();
  const error = formError(createClient.error ?? createKey.error);
  // once the client exists, a failed key is always named, a 401 included: the sign-in dialog opens over
  // this one, and "Create its key" makes only the key once signed in again
  const keyFailure =
    clientId && createKey.error
      ? `The client was created, but not its key: ${
          isSignInRequired(createKey.error) ? 'your session ended first. Sign in again, then create its key.' : createKey.error.message
        }`
      : undefined;
  const fieldError = (f: string) => typos[f] ?? error?.fieldError(f);

  const reset = () => {
    setName('');
    setDescription('');
    setBudget('');
    setRpm('');
    setTypos({});
    setCreated(null);
    setClientId(null);
    createClient.reset();
    createKey.reset();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void oneAtATime(createClientAndKey);
  };

  const createClientAndKey = async () => {
    const rateLimitRpm = parseWholeNumber(rpm);
    const budgetUsd = parseDecimalInput(budget);
    setTypos({
      ...(rateLimitRpm === undefined ? { rate_limit_rpm: NOT_A_WHOLE_NUMBER } : {}),
      ...('problem' in budgetUsd ? { monthly_budget_usd: budgetUsd.problem } : {}),
    });
    // what the server said of the last attempt no longer stands beside what is found now
    if (rateLimitRpm === undefined || 'problem' in budgetUsd) return createClient.reset();
    if (clientId) {
      const key = await createKey.mutateAsync({ clientId, body: { name: 'default' } }).catch(() => null);
      if (key) setCreated(key);
      return;
    }
    const client = await createClient
      .mutateAsync({
        name: name.trim(),
        ...(description.trim() ? { description: description.trim() } : {}),
        ...(budgetUsd.value !== null ? { monthly_budget_usd: budgetUsd.value } : {}),
        ...(rateLimitRpm !== null ? { rate_limit_rpm: rateLimitRpm } : {}),
      })
      .catch(() => null);
    if (!client) return;
    setClientId(client.id);
    onCreated(client.id);
    const key = await createKey.mutateAsync({ clientId: client.id, body: { name: 'default' } }).catch(() => null);
    if (key) setCreated(key);
  };

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        if (!next) reset();
        onOpenChange(next);
      }}
      title={created ? 'Your new API key' : 'New API client'}
      dismissible={!created}
      description={created ? undefined : 'A client is an application that calls LLMHub. It gets its own keys, limits, budget and usage.'}
    >
      {created ? (
        <>
          <KeyReveal apiKey={created.key} expiresAt={created.expires_at} note={`Prefix ${created.prefix} identifies this key in the console and in logs.`} />
          <div className="dialog-actions">
            <Button onClick={() => onOpenChange(false)}>Done, I stored the key</Button>
          </div>
        </>
      ) : (
        <form onSubmit={submit} className="stack" noValidate>
          <Field label="Name" error={fieldError('name')} hint="Unique, e.g. the application's name">
            <input className="input" value={name} onChange={(e) => setName(e.target.value)} required autoFocus />
          </Field>
          <Field label="Description" error={fieldError('description')}>
            <input className="input" value={description} onChange={(e) => setDescription(e.target.value)} />
          </Field>
          <div className="grid-2">
            <Field label="Monthly budget (USD)" error={fieldError('monthly_budget_usd')} hint="Empty: no budget">
              <input
                className="input"
                inputMode="decimal"
                value={budget}
                onChange={(e) => setBudget(e.target.value)}
                placeholder={`e.g. 250${decimalSeparator()}00`}
              />
            </Field>
            <Field label="Requests per minute" error={fieldError('rate_limit_rpm')} hint="Empty: unlimited">
              <input className="input" inputMode="numeric" value={rpm} onChange={(e) => setRpm(e.target.value)} />
            </Field>
          </div>
          <FormError error={keyFailure ?? (error && error.details.length === 0 ? error.message : undefined)} />
          <div className="dialog-actions">
            <Button type="submit" disabled={createClient.isPending || createKey.isPending || name.trim() === ''}>
              {createClient.isPending || createKey.isPending ? 'Creating…' : clientId ? 'Create its key' : 'Create client and key'}
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
