import type { ProviderResponseDto, ProviderUpdateDtoWritable } from '@sdk';
import { useState, type FormEvent } from 'react';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Field, FormError } from '../../../components/ui/field';
import { notify } from '../../../components/ui/toaster';
import { formError } from '../../../lib/api';
import { formatMs } from '../../../lib/format';
import { useUnsavedChanges } from '../../../lib/unsaved-changes';
import { NOT_A_WHOLE_NUMBER, parseWholeNumber } from '../../../lib/parse-number';
import { useTestProvider, useUpdateProvider } from '../api/providers';

const circuitTone = { closed: 'ok', half_open: 'warn', open: 'bad' } as const;

export function ProviderCard({ provider }: { provider: ProviderResponseDto }) {
  const [enabled, setEnabled] = useState(provider.enabled);
  const [apiKey, setApiKey] = useState('');
  const [baseUrl, setBaseUrl] = useState(provider.base_url ?? '');
  const [timeout, setTimeoutMs] = useState(String(provider.timeout_ms));
  const update = useUpdateProvider(provider.name);
  const test = useTestProvider(provider.name);
  const [timeoutTypo, setTimeoutTypo] = useState(false);
  // measured against the provider as last read, so a save counts as saved once the list is read again
  useUnsavedChanges(apiKey !== '' || enabled !== provider.enabled || baseUrl !== (provider.base_url ?? '') || timeout !== String(provider.timeout_ms));
  const err = formError(update.error);
  const fe = (f: string) => (f === 'timeout_ms' && timeoutTypo ? NOT_A_WHOLE_NUMBER : err?.fieldError(f));

  const save = (event: FormEvent) => {
    event.preventDefault();
    const timeoutMs = parseWholeNumber(timeout);
    setTimeoutTypo(timeoutMs === undefined);
    if (timeoutMs === undefined) return;
    const body: ProviderUpdateDtoWritable = {
      enabled,
      base_url: baseUrl.trim() || null,
      timeout_ms: timeoutMs,
      ...(apiKey ? { api_key: apiKey } : {}),
    };
    update.mutate(body, {
      onSuccess: () => {
        setApiKey('');
        // a test of the settings just replaced says nothing about these
        test.reset();
        notify(`${provider.name} saved`);
      },
    });
  };

  const result = test.data;
  return (
    <section className="card" aria-labelledby={`provider-${provider.name}`}>
      <header className="card-header">
        <h2 id={`provider-${provider.name}`}>{provider.name}</h2>
        <div className="card-actions">
          {provider.configured ? <Badge tone="ok">configured</Badge> : <Badge tone="muted">not configured</Badge>}
          <Badge tone={circuitTone[provider.circuit]}>circuit {provider.circuit.replace('_', '-')}</Badge>
        </div>
      </header>
      <form className="stack" onSubmit={save} noValidate aria-label={`${provider.name} settings`}>
        <label className="checkbox">
          <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> Enabled
        </label>
        <Field
          label="API key"
          hint={
            provider.api_key
              ? `In force: ${provider.api_key} (from the ${provider.api_key_source}). Type a new key to replace it; it is never shown again.`
              : 'No key set. It is stored encrypted and never shown again.'
          }
          error={fe('api_key')}
        >
          <input
            className="input"
            type="password"
            autoComplete="off"
            value={apiKey}
            onChange={(e) => setApiKey(e.target.value)}
            placeholder={provider.api_key ?? ''}
          />
        </Field>
        <div className="grid-2">
          <Field label="Base URL" hint="Empty: the default" error={fe('base_url')}>
            <input className="input" value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} />
          </Field>
          <Field label="Timeout (ms)" hint="Per attempt" error={fe('timeout_ms')}>
            <input className="input" inputMode="numeric" value={timeout} onChange={(e) => setTimeoutMs(e.target.value)} />
          </Field>
        </div>
        <p className="muted">Models: {provider.models.length ? provider.models.join(', ') : 'none'}</p>
        {provider.name === 'mock' && <MockNote configured={provider.configured} />}
        <FormError error={err && err.details.length === 0 ? err.message : undefined} />
        <div className="toolbar">
          <Button type="submit" disabled={update.isPending}>
            Save
          </Button>
          <Button variant="secondary" onClick={() => test.mutate()} disabled={test.isPending}>
            {test.isPending ? 'Testing…' : 'Test connection'}
          </Button>
          {provider.api_key_source === 'console' && (
            <Button
              variant="ghost"
              onClick={() => update.mutate({ api_key: '' }, { onSuccess: () => (test.reset(), notify(`${provider.name}: console key removed`)) })}
            >
              Remove console key
            </Button>
          )}
        </div>
        {result && (
          <p role="status" className={result.ok ? 'notice' : 'form-error'}>
            {result.ok ? `Connected: ${result.model} answered in ${formatMs(result.latency_ms)}.` : `Failed (${result.error?.code}): ${result.error?.message}`}
          </p>
        )}
      </form>
    </section>
  );
}

/** Why the built-in mock is on or off: it needs no key, and goes off by itself once another provider has one. */
function MockNote({ configured }: { configured: boolean }) {
  const rule = 'Unless LLMHub runs with MOCK_PROVIDER=on, it goes off once another provider has a key (and MOCK_PROVIDER=off keeps it off).';
  return (
    <p className="muted" data-testid="mock-note">
      {configured ? `The built-in mock needs no key and answers mock/echo. ${rule}` : `Off. ${rule}`}
    </p>
  );
}
