import type { ApiKeyCreatedResponseDto, ApiKeyResponseDto } from '@sdk';
import { useState, type FormEvent } from 'react';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { Field, FormError } from '../../../components/ui/field';
import { QueryState } from '../../../components/ui/states';
import { DataTable } from '../../../components/ui/table';
import { formError } from '../../../lib/api';
import { formatDateTime, fromLocalInput } from '../../../lib/format';
import { useOneAtATime } from '../../../lib/one-at-a-time';
import { useUnsavedChanges } from '../../../lib/unsaved-changes';
import { useCreateKey, useKeys, useRevokeKey, useRotateKey } from '../api/keys';
import { KeyReveal } from './key-reveal';

const GRACE_OPTIONS = [
  { seconds: 0, label: 'none: the old key stops now' },
  { seconds: 3600, label: '1 hour' },
  { seconds: 86_400, label: '1 day' },
  { seconds: 7 * 86_400, label: '7 days' },
];

const DEFAULT_GRACE_SECONDS = 3600;

const statusTone = { active: 'ok', expired: 'warn', revoked: 'bad' } as const;

export function KeysPanel({ clientId }: { clientId: string }) {
  const keys = useKeys(clientId);
  const [creating, setCreating] = useState(false);
  const [rotating, setRotating] = useState<ApiKeyResponseDto | null>(null);
  const [revoking, setRevoking] = useState<ApiKeyResponseDto | null>(null);
  return (
    <>
      <div className="toolbar">
        <Button onClick={() => setCreating(true)}>New key</Button>
      </div>
      <QueryState query={keys} empty={(d) => (d.items.length === 0 ? <p className="muted">No keys yet.</p> : null)}>
        {(d) => (
          <DataTable
            caption="API keys"
            rows={d.items}
            rowKey={(k) => k.id}
            columns={[
              { key: 'name', header: 'Name', cell: (k) => k.name },
              { key: 'prefix', header: 'Prefix', cell: (k) => <code>{k.prefix}…</code> },
              { key: 'status', header: 'Status', cell: (k) => <Badge tone={statusTone[k.status]}>{k.status}</Badge> },
              { key: 'created', header: 'Created', cell: (k) => formatDateTime(k.created_at) },
              { key: 'expires', header: 'Expires', cell: (k) => (k.expires_at ? formatDateTime(k.expires_at) : 'never') },
              { key: 'used', header: 'Last used', cell: (k) => formatDateTime(k.last_used_at) },
              {
                key: 'actions',
                header: <span className="visually-hidden">Actions</span>,
                cell: (k) =>
                  k.status === 'active' ? (
                    <div className="row-actions">
                      <Button size="sm" variant="secondary" onClick={() => setRotating(k)} aria-label={`Rotate key ${k.prefix}`}>
                        Rotate
                      </Button>
                      <Button size="sm" variant="danger" onClick={() => setRevoking(k)} aria-label={`Revoke key ${k.prefix}`}>
                        Revoke
                      </Button>
                    </div>
                  ) : null,
              },
            ]}
          />
        )}
      </QueryState>
      <NewKeyDialog clientId={clientId} open={creating} onOpenChange={setCreating} />
      {rotating && <RotateDialog clientId={clientId} apiKey={rotating} onClose={() => setRotating(null)} />}
      {revoking && <RevokeDialog clientId={clientId} apiKey={revoking} onClose={() => setRevoking(null)} />}
    </>
  );
}

function NewKeyDialog({ clientId, open, onOpenChange }: { clientId: string; open: boolean; onOpenChange: (open: boolean) => void }) {
  const [name, setName] = useState('');
  const [expires, setExpires] = useState('');
  const [created, setCreated] = useState<ApiKeyCreatedResponseDto | null>(null);
  // closing the dialog clears it
  useUnsavedChanges(!created && (name !== '' || expires !== ''));
  const create = useCreateKey();
  const oneAtATime = useOneAtATime();
  const err = formError(create.error);
  const fe = (f: string) => err?.fieldError(f);
  const close = (next: boolean) => {
    if (!next) {
      setName('');
      setExpires('');
      setCreated(null);
      create.reset();
    }
    onOpenChange(next);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const expiresAt = fromLocalInput(expires);
    void oneAtATime(() =>
      create
        .mutateAsync(
          { clientId, body: { ...(name.trim() ? { name: name.trim() } : {}), ...(expiresAt ? { expires_at: expiresAt } : {}) } },
          { onSuccess: setCreated },
        )
        .catch(() => undefined),
    );
  };
  return (
    <Dialog open={open} onOpenChange={close} title={created ? 'Your new API key' : 'New key'} dismissible={!created}>
      {created ? (
        <>
          <KeyReveal apiKey={created.key} expiresAt={created.expires_at} />
          <div className="dialog-actions">
            <Button onClick={() => close(false)}>Done, I stored the key</Button>
          </div>
        </>
      ) : (
        <form onSubmit={submit} className="stack" noValidate>
          <Field label="Key name" hint="e.g. production, staging" error={fe('name')}>
            <input className="input" value={name} onChange={(e) => setName(e.target.value)} />
          </Field>
          <Field label="Expires" hint="In your time zone; empty: never" error={fe('expires_at')}>
            <input className="input" type="datetime-local" value={expires} onChange={(e) => setExpires(e.target.value)} />
          </Field>
          <FormError error={err && err.details.length === 0 ? err.message : undefined} />
          <div className="dialog-actions">
            <Button type="submit" disabled={create.isPending}>
              Create key
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}

function RotateDialog({ clientId, apiKey, onClose }: { clientId: string; apiKey: ApiKeyResponseDto; onClose: () => void }) {
  const [grace, setGrace] = useState(DEFAULT_GRACE_SECONDS);
  const rotate = useRotateKey(clientId);
  const oneAtATime = useOneAtATime();
  useUnsavedChanges(!rotate.data && grace !== DEFAULT_GRACE_SECONDS);
  const result = rotate.data;
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()} title={result ? 'Rotated: your new API key' : `Rotate key ${apiKey.prefix}…`} dismissible={!result}>
      {result ? (
        <>
          <KeyReveal
            apiKey={result.key}
            expiresAt={result.expires_at}
            note={
              result.previous_key_expires_at
                ? `The old key keeps working until ${formatDateTime(result.previous_key_expires_at)}.`
                : 'The old key no longer works.'
            }
          />
          <div className="dialog-actions">
            <Button onClick={onClose}>Done, I stored the key</Button>
          </div>
        </>
      ) : (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void oneAtATime(() => rotate.mutateAsync({ id: apiKey.id, graceSeconds: grace }).catch(() => undefined));
          }}
        >
          <p>A new key replaces this one. Deploy it, then let the old key lapse.</p>
          <Field label="Grace period for the old key">
            <select className="input" value={grace} onChange={(e) => setGrace(Number(e.target.value))}>
              {GRACE_OPTIONS.map((o) => (
                <option key={o.seconds} value={o.seconds}>
                  {o.label}
                </option>
              ))}
            </select>
          </Field>
          <div className="dialog-actions">
            <Button type="submit" disabled={rotate.isPending}>
              Rotate key
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}

function RevokeDialog({ clientId, apiKey, onClose }: { clientId: string; apiKey: ApiKeyResponseDto; onClose: () => void }) {
  const revoke = useRevokeKey(clientId);
  const oneAtATime = useOneAtATime();
  return (
    <Dialog
      open
      onOpenChange={(o) => !o && onClose()}
      title={`Revoke key ${apiKey.prefix}…?`}
      description="Calls with this key are refused from now on (on every instance within seconds). This cannot be undone."
    >
      <div className="dialog-actions">
        <Button variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <Button
          variant="danger"
          disabled={revoke.isPending}
          onClick={() => void oneAtATime(() => revoke.mutateAsync(apiKey.id, { onSuccess: onClose }).catch(() => undefined))}
        >
          Revoke key
        </Button>
      </div>
    </Dialog>
  );
}
