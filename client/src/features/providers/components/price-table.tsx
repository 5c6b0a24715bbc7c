import type { PriceEntryDto } from '@sdk';
import { useMemo, useRef, useState, type FormEvent } from 'react';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Field, FormError } from '../../../components/ui/field';
import { notify } from '../../../components/ui/toaster';
import { DataTable } from '../../../components/ui/table';
import { formError } from '../../../lib/api';
import { formatMoney } from '../../../lib/format-money';
import { parseDecimalInput, toDecimalInput } from '../../../lib/parse-number';
import { differs, useUnsavedChanges } from '../../../lib/unsaved-changes';
import { useUpdatePrices, type PriceChange } from '../api/providers';

const sourceTone = { builtin: 'muted', override: 'info', console: 'warn' } as const;
const RATES = ['input_per_m', 'output_per_m', 'cached_input_per_m', 'cache_write_per_m', 'cache_write_1h_per_m'];

/** The pricing table in force (USD per 1M tokens); console overrides are edited in place. */
export function PriceTable({ prices }: { prices: PriceEntryDto[] }) {
  const [filter, setFilter] = useState('');
  const [editing, setEditing] = useState<string | null>(null);
  // the button that opened the form gets the focus back when it closes: a row's Edit may be far below it
  const opener = useRef<HTMLElement | null>(null);
  const openForm = (model: string, button: HTMLElement) => {
    opener.current = button;
    setEditing(model);
  };
  const closeForm = () => {
    setEditing(null);
    opener.current?.focus();
  };
  const shown = useMemo(() => prices.filter((p) => p.model.toLowerCase().includes(filter.trim().toLowerCase())), [prices, filter]);
  const update = useUpdatePrices();
  return (
    <>
      <div className="filters">
        <Field label="Find a model">
          <input className="input" type="search" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="e.g. gpt-4o" />
        </Field>
        <Button variant="secondary" onClick={(e) => openForm('', e.currentTarget)}>
          Add a price
        </Button>
      </div>
      {editing !== null && <PriceForm key={editing} model={editing} entry={prices.find((p) => p.model === editing)} onDone={closeForm} />}
      <DataTable
        caption="Prices per million tokens"
        rows={shown}
        rowKey={(p) => p.model}
        columns={[
          { key: 'model', header: 'Model', cell: (p) => <code>{p.model}</code> },
          { key: 'in', header: 'Input / 1M', align: 'right', cell: (p) => formatMoney(p.input_per_m) },
          { key: 'out', header: 'Output / 1M', align: 'right', cell: (p) => formatMoney(p.output_per_m) },
          { key: 'cached', header: 'Cached input / 1M', align: 'right', cell: (p) => formatMoney(p.cached_input_per_m) },
          { key: 'write', header: 'Cache write 5 min / 1M', align: 'right', cell: (p) => formatMoney(p.cache_write_per_m) },
          { key: 'write1h', header: 'Cache write 1 h / 1M', align: 'right', cell: (p) => formatMoney(p.cache_write_1h_per_m) },
          { key: 'source', header: 'Source', cell: (p) => <Badge tone={sourceTone[p.source]}>{p.source}</Badge> },
          {
            key: 'actions',
            header: <span className="visually-hidden">Actions</span>,
            cell: (p) => (
              <div className="row-actions">
                <Button size="sm" variant="secondary" onClick={(e) => openForm(p.model, e.currentTarget)} aria-label={`Edit price of ${p.model}`}>
                  Edit
                </Button>
                {p.source === 'console' && (
                  <Button
                    size="sm"
                    variant="ghost"
                    onClick={() =>
                      update.mutate(
                        { [p.model]: null },
                        {
                          onSuccess: () => notify(`${p.model}: console price removed`),
                          // the hook is quiet (the form names its errors at its fields): a failed Reset says so here
                          onError: (error) => {
                            const failure = formError(error);
                            if (failure) notify(`${p.model}: console price not removed. ${failure.message}`, 'error');
                          },
                        },
                      )
                    }
                    aria-label={`Reset price of ${p.model}`}
                  >
                    Reset
                  </Button>
                )}
              </div>
            ),
          },
        ]}
      />
    </>
  );
}

function PriceForm({ model, entry, onDone }: { model: string; entry?: PriceEntryDto; onDone: () => void }) {
  // what the fields start from; the form closes once saved or cancelled
  const [loaded] = useState(() => ({
    name: model,
    input: toDecimalInput(entry?.input_per_m),
    output: toDecimalInput(entry?.output_per_m),
    cached: toDecimalInput(entry?.cached_input_per_m),
    write: toDecimalInput(entry?.cache_write_per_m),
    write1h: toDecimalInput(entry?.cache_write_1h_per_m),
  }));
  const [name, setName] = useState(loaded.name);
  const [input, setInput] = useState(loaded.input);
  const [output, setOutput] = useState(loaded.output);
  const [cached, setCached] = useState(loaded.cached);
  const [write, setWrite] = useState(loaded.write);
  const [write1h, setWrite1h] = useState(loaded.write1h);
  useUnsavedChanges(differs({ name, input, output, cached, write, write1h }, loaded));
  const update = useUpdatePrices();
  const err = formError(update.error);
  const details = err?.details ?? [];
  // what the form itself finds wrong with a rate, before anything is sent
  const [typos, setTypos] = useState<Record<string, string>>({});
  // prices.<model>.<rate> names a rate; prices.<model> alone names the model (an empty or malformed name)
  const fromServer = (f: string) => details.find((d) => (f === 'model' ? !RATES.some((r) => d.field.endsWith(`.${r}`)) : d.field.endsWith(`.${f}`)))?.message;
  const fe = (f: string) => typos[f] ?? fromServer(f);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const typed = { input_per_m: input, output_per_m: output, cached_input_per_m: cached, cache_write_per_m: write, cache_write_1h_per_m: write1h };
    const rates: Record<string, string | null> = {};
    const found: Record<string, string> = {};
    for (const [rate, text] of Object.entries(typed)) {
      const parsed = parseDecimalInput(text);
      if ('problem' in parsed) found[rate] = parsed.problem;
      else rates[rate] = parsed.value;
    }
    setTypos(found);
    // what the server said of the last attempt no longer stands beside what is found now
    if (Object.keys(found).length > 0) return update.reset();
    // a rate left empty is omitted: the server bills it by its fallback (shown as each field's hint); the
    // input and output rates are required, and an empty one is sent for the server to name
    const change: PriceChange = {
      input_per_m: rates.input_per_m ?? '',
      output_per_m: rates.output_per_m ?? '',
      ...(rates.cached_input_per_m ? { cached_input_per_m: rates.cached_input_per_m } : {}),
      ...(rates.cache_write_per_m ? { cache_write_per_m: rates.cache_write_per_m } : {}),
      ...(rates.cache_write_1h_per_m ? { cache_write_1h_per_m: rates.cache_write_1h_per_m } : {}),
    };
    update.mutate({ [name.trim()]: change }, { onSuccess: () => (notify(`${name.trim()}: price saved; the next call is priced with it`), onDone()) });
  };
  return (
    <form className="card stack" onSubmit={submit} noValidate aria-label="Edit price">
      <h3>{model ? `Price of ${model}` : 'New price'}</h3>
      <div className="grid-4">
        <Field label="Model" hint="provider/model" error={fe('model')}>
          {/* the form opens above the table: focusing its first field brings it into view */}
          <input className="input" value={name} onChange={(e) => setName(e.target.value)} readOnly={Boolean(model)} autoFocus={!model} />
        </Field>
        <Field label="Input USD per 1M tokens" error={fe('input_per_m')}>
          <input className="input" inputMode="decimal" value={input} onChange={(e) => setInput(e.target.value)} autoFocus={Boolean(model)} />
        </Field>
        <Field label="Output USD per 1M tokens" error={fe('output_per_m')}>
          <input className="input" inputMode="decimal" value={output} onChange={(e) => setOutput(e.target.value)} />
        </Field>
        <Field label="Cached input USD per 1M" hint="Empty: the input rate" error={fe('cached_input_per_m')}>
          <input className="input" inputMode="decimal" value={cached} onChange={(e) => setCached(e.target.value)} />
        </Field>
        <Field label="Cache write USD per 1M" hint="5-minute TTL. Empty: the input rate" error={fe('cache_write_per_m')}>
          <input className="input" inputMode="decimal" value={write} onChange={(e) => setWrite(e.target.value)} />
        </Field>
        <Field
          label="1-hour cache write USD per 1M"
          hint="Empty: 2× input on anthropic/ models (at least the 5-minute write rate), else the 5-minute write rate"
          error={fe('cache_write_1h_per_m')}
        >
          <input className="input" inputMode="decimal" value={write1h} onChange={(e) => setWrite1h(e.target.value)} />
        </Field>
      </div>
      <FormError error={err && details.length === 0 ? err.message : undefined} />
      <div className="toolbar">
        <Button type="submit" disabled={update.isPending}>
          Save price
        </Button>
        <Button variant="secondary" onClick={onDone}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
