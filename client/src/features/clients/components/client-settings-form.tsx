import type { ApiClientResponseDto, ApiClientUpdateDto } from '@sdk';
import { useState, type FormEvent } from 'react';
import { Button } from '../../../components/ui/button';
import { Field, FormError } from '../../../components/ui/field';
import { formError } from '../../../lib/api';
import { decimalSeparator, NOT_A_WHOLE_NUMBER, parseDecimalInput, parseWholeNumber, toDecimalInput } from '../../../lib/parse-number';
import { notify } from '../../../components/ui/toaster';
import { differs, useUnsavedChanges } from '../../../lib/unsaved-changes';
import { useUpdateClient } from '../api/clients';

const list = (text: string): string[] | null => {
  const items = text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  return items.length ? items : null;
};

/** The form's values for the client as loaded: what its fields start from, and what "unsaved" is measured against. */
function settingsOf(client: ApiClientResponseDto) {
  return {
    name: client.name,
    description: client.description ?? '',
    is_active: client.is_active,
    rate_limit_rpm: client.rate_limit_rpm?.toString() ?? '',
    rate_limit_tpm: client.rate_limit_tpm?.toString() ?? '',
    monthly_budget_usd: toDecimalInput(client.monthly_budget_usd),
    budget_period: client.budget_period,
    budget_timezone: client.budget_timezone,
    budget_alert_threshold: toDecimalInput(client.budget_alert_threshold),
    allowed_providers: (client.allowed_providers ?? []).join(', '),
    allowed_models: (client.allowed_models ?? []).join(', '),
    fallback_models: (client.fallback_models ?? []).join(', '),
  };
}

/** Limits, budget, alert threshold, allow-lists and fallbacks; each API error appears at its field. */
export function ClientSettingsForm({ client }: { client: ApiClientResponseDto }) {
  const loaded = settingsOf(client);
  const [form, setForm] = useState(loaded);
  // a save re-keys the form with the saved client (key={updated_at}), unless it changed nothing the API keeps (", " for ","): then this says it is saved
  const [saved, setSaved] = useState(loaded);
  useUnsavedChanges(differs(form, loaded) && differs(form, saved));
  // what the form itself finds wrong with a field, before anything is sent
  const [typos, setTypos] = useState<Record<string, string>>({});
  const update = useUpdateClient(client.id);
  const err = formError(update.error);
  const fe = (f: string) => typos[f] ?? err?.fieldError(f);
  const set = <K extends keyof typeof form>(key: K, value: (typeof form)[K]) => setForm((f) => ({ ...f, [key]: value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const rpm = parseWholeNumber(form.rate_limit_rpm);
    const tpm = parseWholeNumber(form.rate_limit_tpm);
    const budget = parseDecimalInput(form.monthly_budget_usd);
    const threshold = parseDecimalInput(form.budget_alert_threshold);
    const found: Record<string, string> = {};
    if (rpm === undefined) found.rate_limit_rpm = NOT_A_WHOLE_NUMBER;
    if (tpm === undefined) found.rate_limit_tpm = NOT_A_WHOLE_NUMBER;
    if ('problem' in budget) found.monthly_budget_usd = budget.problem;
    if ('problem' in threshold) found.budget_alert_threshold = threshold.problem;
    setTypos(found);
    // what the server said of the last attempt no longer stands beside what is found now
    if (rpm === undefined || tpm === undefined || 'problem' in budget || 'problem' in threshold) return update.reset();
    const body: ApiClientUpdateDto = {
      name: form.name.trim(),
      description: form.description.trim() || null,
      is_active: form.is_active,
      rate_limit_rpm: rpm,
      rate_limit_tpm: tpm,
      monthly_budget_usd: budget.value,
      budget_period: form.budget_period,
      budget_timezone: form.budget_timezone.trim() || 'UTC',
      budget_alert_threshold: threshold.value,
      allowed_providers: list(form.allowed_providers),
      allowed_models: list(form.allowed_models),
      fallback_models: list(form.fallback_models),
    };
    // not a mutate() callback: the saved client re-keys this form (key={updated_at}), which unmounts it before such a callback runs
    void update.mutateAsync(body).then(
      () => (setSaved(form), notify('Client saved')),
      () => undefined, // shown at the fields, from update.error
    );
  };

  return (
    <form onSubmit={submit} className="stack" noValidate aria-label="Client settings">
      <div className="grid-2">
        <Field label="Name" error={fe('name')}>
          <input className="input" value={form.name} onChange={(e) => set('name', e.target.value)} />
        </Field>
        <Field label="Description" error={fe('description')}>
          <input className="input" value={form.description} onChange={(e) => set('description', e.target.value)} />
        </Field>
      </div>
      <label className="checkbox">
        <input type="checkbox" checked={form.is_active} onChange={(e) => set('is_active', e.target.checked)} /> Active (an inactive client's keys are refused
        with 403 client_inactive)
      </label>
      <fieldset>
        <legend>Limits</legend>
        <div className="grid-2">
          <Field label="Requests per minute" hint="Empty: unlimited" error={fe('rate_limit_rpm')}>
            <input className="input" inputMode="numeric" value={form.rate_limit_rpm} onChange={(e) => set('rate_limit_rpm', e.target.value)} />
          </Field>
          <Field label="Tokens per minute" hint="Input + max output; empty: unlimited" error={fe('rate_limit_tpm')}>
            <input className="input" inputMode="numeric" value={form.rate_limit_tpm} onChange={(e) => set('rate_limit_tpm', e.target.value)} />
          </Field>
        </div>
      </fieldset>
      <fieldset>
        <legend>Budget</legend>
        <div className="grid-4">
          <Field label="Budget (USD)" hint="Hard limit; empty: none" error={fe('monthly_budget_usd')}>
            <input className="input" inputMode="decimal" value={form.monthly_budget_usd} onChange={(e) => set('monthly_budget_usd', e.target.value)} />
          </Field>
          <Field label="Period" error={fe('budget_period')}>
            <select className="input" value={form.budget_period} onChange={(e) => set('budget_period', e.target.value as typeof form.budget_period)}>
              <option value="day">day</option>
              <option value="week">week</option>
              <option value="month">month</option>
            </select>
          </Field>
          <Field label="Period time zone" error={fe('budget_timezone')}>
            <input className="input" value={form.budget_timezone} onChange={(e) => set('budget_timezone', e.target.value)} />
          </Field>
          <Field label="Alert threshold" hint={`Fraction above 0, at most 1, e.g. 0${decimalSeparator()}8; empty: none`} error={fe('budget_alert_threshold')}>
            <input className="input" inputMode="decimal" value={form.budget_alert_threshold} onChange={(e) => set('budget_alert_threshold', e.target.value)} />
          </Field>
        </div>
      </fieldset>
      <fieldset>
        <legend>Allow-lists and fallbacks</legend>
        <Field label="Allowed providers" hint="Comma-separated, e.g. openai, anthropic; empty: every provider" error={fe('allowed_providers')}>
          <input className="input" value={form.allowed_providers} onChange={(e) => set('allowed_providers', e.target.value)} />
        </Field>
        <Field label="Allowed models" hint="provider/model, provider/* or bare names; empty: every model" error={fe('allowed_models')}>
          <input className="input" value={form.allowed_models} onChange={(e) => set('allowed_models', e.target.value)} />
        </Field>
        <Field label="Fallback models" hint="Tried in order when the requested model fails" error={fe('fallback_models')}>
          <input className="input" value={form.fallback_models} onChange={(e) => set('fallback_models', e.target.value)} />
        </Field>
      </fieldset>
      <FormError error={err && err.details.length === 0 ? err.message : undefined} />
      <div>
        <Button type="submit" disabled={update.isPending}>
          {update.isPending ? 'Saving…' : 'Save settings'}
        </Button>
      </div>
    </form>
  );
}
