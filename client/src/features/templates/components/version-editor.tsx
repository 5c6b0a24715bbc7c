import type { PromptVersionResponseDto } from '@sdk';
import { useState, type FormEvent } from 'react';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Field, FormError } from '../../../components/ui/field';
import { formError } from '../../../lib/api';
import { differs, useUnsavedChanges } from '../../../lib/unsaved-changes';
import { detectVariables } from './variables';

export interface VersionDraft {
  name?: string;
  description?: string;
  system_prompt: string | null;
  body: string;
  variables: { name: string; required: boolean; default: string | null; description: string | null }[];
  provider: string | null;
  model: string | null;
  note?: string;
}

/**
 * The editor for a new template or a new version: body and system prompt, the
 * variables detected in them (each can be required or given a default), model.
 */
export function VersionEditor({
  base,
  withName,
  submitLabel,
  pending,
  error,
  onSubmit,
}: {
  base?: PromptVersionResponseDto;
  withName?: boolean;
  submitLabel: string;
  pending: boolean;
  error: unknown;
  /** `saved` is to be called once the draft is stored, before the page moves on: leaving then asks nothing */
  onSubmit: (draft: VersionDraft, saved: () => void) => void;
}) {
  // what the fields start from: empty, or the version this one is made from
  const [loaded] = useState(() => ({
    name: '',
    description: '',
    system: base?.system_prompt ?? '',
    body: base?.body ?? '',
    model: base?.model ? (base.provider && !base.model.includes('/') ? `${base.provider}/${base.model}` : base.model) : '',
    note: '',
    settings: Object.fromEntries((base?.variables ?? []).map((v) => [v.name, { required: v.required, default: v.default ?? '' }])),
  }));
  const [name, setName] = useState(loaded.name);
  const [description, setDescription] = useState(loaded.description);
  const [system, setSystem] = useState(loaded.system);
  const [body, setBody] = useState(loaded.body);
  const [model, setModel] = useState(loaded.model);
  const [note, setNote] = useState(loaded.note);
  const [settings, setSettings] = useState(loaded.settings);
  const markSaved = useUnsavedChanges(differs({ name, description, system, body, model, note, settings }, loaded));
  const detected = detectVariables(system, body);
  const err = formError(error);
  const fe = (f: string) => err?.fieldError(f);
  // a text can have several malformed placeholders: each one the API names, one per line
  const textErrors = (f: 'system_prompt' | 'body') =>
    err?.details
      .filter((d) => d.field === f)
      .map((d) => d.message)
      .join('\n') || undefined;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit(
      {
        ...(withName ? { name: name.trim(), description: description.trim() } : {}),
        system_prompt: system.trim() ? system : null,
        body,
        variables: detected.map((v) => ({
          name: v,
          required: settings[v]?.required ?? true,
          default: settings[v]?.default ? settings[v].default : null,
          description: null,
        })),
        provider: null,
        model: model.trim() ? model.trim() : null,
        ...(withName ? {} : { note: note.trim() }),
      },
      markSaved,
    );
  };

  return (
    <form className="stack" onSubmit={submit} noValidate aria-label={withName ? 'New template' : 'New version'}>
      {withName && (
        <div className="grid-2">
          <Field label="Template name" hint="lowercase letters, digits, . _ -" error={fe('name')}>
            <input className="input" value={name} onChange={(e) => setName(e.target.value)} />
          </Field>
          <Field label="Description" error={fe('description')}>
            <input className="input" value={description} onChange={(e) => setDescription(e.target.value)} />
          </Field>
        </div>
      )}
      <Field label="System prompt" hint="Optional" error={textErrors('system_prompt')}>
        <textarea className="input" rows={3} value={system} onChange={(e) => setSystem(e.target.value)} />
      </Field>
      <Field label="Body" hint="Use {{ name }} for variables, \{{ for a literal {{" error={textErrors('body')}>
        <textarea className="input" rows={6} value={body} onChange={(e) => setBody(e.target.value)} />
      </Field>
      <fieldset>
        <legend>Detected variables</legend>
        {detected.length === 0 ? (
          <p className="muted">None yet: write {'{{ name }}'} in the body or the system prompt.</p>
        ) : (
          <div className="stack" aria-label="Detected variables">
            {detected.map((v) => (
              <div key={v} className="filters">
                <Badge tone="info">{v}</Badge>
                <label className="checkbox">
                  <input
                    type="checkbox"
                    checked={settings[v]?.required ?? true}
                    onChange={(e) => setSettings((s) => ({ ...s, [v]: { default: s[v]?.default ?? '', required: e.target.checked } }))}
                  />{' '}
                  required
                </label>
                <Field label={`Default for ${v}`}>
                  <input
                    className="input"
                    value={settings[v]?.default ?? ''}
                    onChange={(e) => setSettings((s) => ({ ...s, [v]: { required: s[v]?.required ?? true, default: e.target.value } }))}
                  />
                </Field>
              </div>
            ))}
          </div>
        )}
        {fe('variables') && <div className="field-error">{fe('variables')}</div>}
      </fieldset>
      <div className="grid-2">
        <Field label="Model" hint="provider/model, e.g. openai/gpt-4o-mini; empty: the caller's or default" error={fe('model') ?? fe('provider')}>
          <input className="input" value={model} onChange={(e) => setModel(e.target.value)} />
        </Field>
        {!withName && (
          <Field label="Note" hint="What changed in this version" error={fe('note')}>
            <input className="input" value={note} onChange={(e) => setNote(e.target.value)} />
          </Field>
        )}
      </div>
      <FormError error={err && err.details.length === 0 ? err.message : undefined} />
      <div>
        {/* a blank body is sent too: the API's refusal names it at the Body field, where a disabled button would say nothing */}
        <Button type="submit" disabled={pending}>
          {submitLabel}
        </Button>
      </div>
    </form>
  );
}
