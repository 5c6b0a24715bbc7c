import type { TemplateAdminDetailResponseDto } from '@sdk';
import { useState, type FormEvent } from 'react';
import { Button } from '../../../components/ui/button';
import { Field, FormError } from '../../../components/ui/field';
import { formError } from '../../../lib/api';
import { formatMs, formatTokens } from '../../../lib/format';
import { formatMoney } from '../../../lib/format-money';
import { useRenderTemplate, useRunPlayground } from '../api/templates';

/** Render a version with variables; run it on a model and see output, tokens, cost and latency. */
export function Playground({ template }: { template: TemplateAdminDetailResponseDto }) {
  const versions = [...template.versions].sort((a, b) => b.version - a.version);
  const [versionNo, setVersionNo] = useState(versions[0]?.version ?? 1);
  const version = versions.find((v) => v.version === versionNo);
  const [values, setValues] = useState<Record<string, string>>({});
  const [model, setModel] = useState('');
  const render = useRenderTemplate(template.id);
  const run = useRunPlayground(template.id);
  const error = run.error ?? render.error;
  const err = formError(error);
  const variables = Object.fromEntries(Object.entries(values).filter(([k, v]) => v !== '' && version?.variables.some((x) => x.name === k)));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    render.reset();
    run.mutate({ version: versionNo, variables, ...(model.trim() ? { model: model.trim() } : {}) });
  };
  const result = run.data;
  const rendered = result ?? render.data;

  return (
    <div className="split">
      <form className="stack" onSubmit={submit} noValidate aria-label="Playground">
        <div className="grid-2">
          <Field label="Version">
            <select className="input" value={versionNo} onChange={(e) => setVersionNo(Number(e.target.value))}>
              {versions.map((v) => (
                <option key={v.version} value={v.version}>
                  v{v.version}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Run on model" hint={`Empty: the version's model${version?.model ? ` (${version.model})` : ''}`} error={err?.fieldError('model')}>
            <input className="input" value={model} onChange={(e) => setModel(e.target.value)} placeholder="provider/model" />
          </Field>
        </div>
        {version?.variables.map((v) => (
          <Field
            key={v.name}
            label={`Variable ${v.name}${v.required ? ' (required)' : ''}`}
            hint={v.default ? `default: ${v.default}` : (v.description ?? undefined)}
            error={err?.details.find((d) => d.message.includes(v.name) || d.field.endsWith(v.name))?.message}
          >
            <input className="input" value={values[v.name] ?? ''} onChange={(e) => setValues((s) => ({ ...s, [v.name]: e.target.value }))} />
          </Field>
        ))}
        <FormError error={err && err.details.length === 0 ? err.message : undefined} />
        <div className="toolbar">
          <Button variant="secondary" disabled={render.isPending} onClick={() => (run.reset(), render.mutate({ version: versionNo, variables }))}>
            Render only
          </Button>
          <Button type="submit" disabled={run.isPending}>
            {run.isPending ? 'Running…' : 'Run'}
          </Button>
        </div>
        <p className="muted">A playground run calls the provider for real; it is billed to no client and not written to the usage log.</p>
      </form>
      <div className="stack" aria-live="polite">
        {rendered ? (
          <>
            {rendered.system_prompt && (
              <>
                <h3>Rendered system prompt</h3>
                <pre className="pre">{rendered.system_prompt}</pre>
              </>
            )}
            <h3>Rendered prompt (v{rendered.version})</h3>
            <pre className="pre" data-testid="rendered-prompt">
              {rendered.prompt}
            </pre>
          </>
        ) : (
          <p className="muted">Fill in the variables, then render or run.</p>
        )}
        {result && (
          <>
            <h3>Output</h3>
            <pre className="pre" data-testid="playground-output">
              {result.output}
            </pre>
            <dl className="facts" aria-label="Run figures">
              <dt>Model</dt>
              <dd>
                <code>{result.model}</code>
              </dd>
              <dt>Tokens in / out</dt>
              <dd>
                {formatTokens(result.input_tokens)} / {formatTokens(result.output_tokens)}
              </dd>
              <dt>Cost</dt>
              <dd>{result.price_unknown ? 'price unknown' : formatMoney(result.cost_usd)}</dd>
              <dt>Latency</dt>
              <dd>{formatMs(result.latency_ms)}</dd>
            </dl>
          </>
        )}
      </div>
    </div>
  );
}
