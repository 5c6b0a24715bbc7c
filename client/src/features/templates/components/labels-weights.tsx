import type { TemplateAdminDetailResponseDto } from '@sdk';
import { useState, type FormEvent } from 'react';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Field, FormError } from '../../../components/ui/field';
import { notify } from '../../../components/ui/toaster';
import { DataTable } from '../../../components/ui/table';
import { formError } from '../../../lib/api';
import { differs, useUnsavedChanges } from '../../../lib/unsaved-changes';
import { useUpdateTemplate } from '../api/templates';

/** Labels (point one at a version, add a custom one, protect) and the A/B weights of the default selection. */
export function LabelsAndWeights({ template }: { template: TemplateAdminDetailResponseDto }) {
  const update = useUpdateTemplate(template.id);
  // one mutation serves the three forms; its error belongs to the one that sent it
  const [sender, setSender] = useState<'table' | 'new-label' | 'weights'>('weights');
  const versions = template.versions.map((v) => v.version).sort((a, b) => a - b);
  const [newLabel, setNewLabel] = useState('');
  const [newLabelVersion, setNewLabelVersion] = useState(versions[versions.length - 1] ?? 1);
  const [loadedWeights] = useState<Record<string, string>>(() =>
    Object.fromEntries(versions.map((v) => [String(v), template.ab_weights?.[String(v)] !== undefined ? String(template.ab_weights[String(v)]) : ''])),
  );
  const [weights, setWeights] = useState(loadedWeights);
  // a save re-keys this with the template read again (key={updated_at}); until that read is in, the weights just saved count as saved
  const [savedWeights, setSavedWeights] = useState(loadedWeights);
  useUnsavedChanges(newLabel.trim() !== '' || (differs(weights, loadedWeights) && differs(weights, savedWeights)));
  const err = formError(update.error);
  const errorOf = (form: typeof sender) => (err && sender === form ? (err.fieldError(form === 'weights' ? 'ab_weights' : 'labels') ?? err.message) : undefined);

  const saveWeights = (event: FormEvent) => {
    event.preventDefault();
    const ab = Object.fromEntries(
      Object.entries(weights)
        .filter(([, w]) => w.trim() !== '')
        .map(([v, w]) => [v, Number(w)]),
    );
    setSender('weights');
    update.mutate(
      { ab_weights: Object.keys(ab).length ? ab : null },
      { onSuccess: () => (setSavedWeights(weights), notify(Object.keys(ab).length ? 'A/B weights saved' : 'A/B test ended')) },
    );
  };

  return (
    <div className="split">
      <div className="stack">
        <h3>Labels</h3>
        <DataTable
          caption="Labels"
          rows={template.labels}
          rowKey={(l) => l.label}
          columns={[
            { key: 'label', header: 'Label', cell: (l) => <Badge tone={l.label === 'production' ? 'ok' : 'info'}>{l.label}</Badge> },
            {
              key: 'version',
              header: 'Version',
              cell: (l) =>
                l.weights ? (
                  Object.entries(l.weights)
                    .map(([v, w]) => `v${v}: ${w}`)
                    .join(', ')
                ) : (
                  <select
                    className="input"
                    aria-label={`Version of label ${l.label}`}
                    value={l.version ?? ''}
                    disabled={l.label === 'latest'}
                    onChange={(e) => {
                      setSender('table');
                      update.mutate({ labels: { [l.label]: Number(e.target.value) } }, { onSuccess: () => notify(`${l.label} → v${e.target.value}`) });
                    }}
                  >
                    {versions.map((v) => (
                      <option key={v} value={v}>
                        v{v}
                      </option>
                    ))}
                  </select>
                ),
            },
            {
              key: 'protected',
              header: 'Protected',
              cell: (l) => (
                <input
                  type="checkbox"
                  aria-label={`Protect label ${l.label}`}
                  checked={l.is_protected}
                  onChange={(e) => {
                    setSender('table');
                    update.mutate({ protected_labels: { [l.label]: e.target.checked } });
                  }}
                />
              ),
            },
          ]}
        />
        <FormError error={errorOf('table')} />
        <form
          className="filters"
          onSubmit={(e) => {
            e.preventDefault();
            setSender('new-label');
            update.mutate({ labels: { [newLabel.trim()]: newLabelVersion } }, { onSuccess: () => (notify(`Label ${newLabel.trim()} added`), setNewLabel('')) });
          }}
        >
          <Field label="New label" error={errorOf('new-label')}>
            <input className="input" value={newLabel} onChange={(e) => setNewLabel(e.target.value)} placeholder="e.g. beta" />
          </Field>
          <Field label="At version">
            <select className="input" value={newLabelVersion} onChange={(e) => setNewLabelVersion(Number(e.target.value))}>
              {versions.map((v) => (
                <option key={v} value={v}>
                  v{v}
                </option>
              ))}
            </select>
          </Field>
          <Button type="submit" variant="secondary" disabled={!newLabel.trim()}>
            Add label
          </Button>
        </form>
      </div>
      <form className="stack" onSubmit={saveWeights} aria-label="A/B weights">
        <h3>A/B test</h3>
        <p className="muted">
          Weights over versions for calls that ask for production (or no version). A caller's subject always gets the same version. Leave all empty to end the
          test. While the test runs it, not the production label, decides that traffic, so the production label moves only once the test has ended.
        </p>
        <div className="grid-4">
          {versions.map((v) => (
            <Field key={v} label={`Weight of v${v}`}>
              <input
                className="input"
                inputMode="numeric"
                value={weights[String(v)] ?? ''}
                onChange={(e) => setWeights((w) => ({ ...w, [String(v)]: e.target.value }))}
              />
            </Field>
          ))}
        </div>
        <FormError error={errorOf('weights')} />
        <div>
          <Button type="submit" disabled={update.isPending}>
            Save weights
          </Button>
        </div>
      </form>
    </div>
  );
}
