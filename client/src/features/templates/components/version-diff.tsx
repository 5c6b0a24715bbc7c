import type { PromptVersionResponseDto } from '@sdk';
import { diffWordsWithSpace } from 'diff';
import { useState } from 'react';
import { Field } from '../../../components/ui/field';

function textOf(v: PromptVersionResponseDto): string {
  const vars = v.variables.map((x) => `${x.name}${x.required ? ' (required)' : ''}${x.default ? ` = ${x.default}` : ''}`).join(', ');
  return [`# system prompt\n${v.system_prompt ?? ''}`, `# body\n${v.body}`, `# variables\n${vars}`, `# model\n${v.model ?? ''}`].join('\n\n');
}

/** A word diff between any two versions (added text marked, removed text struck). */
export function VersionDiff({ versions }: { versions: PromptVersionResponseDto[] }) {
  const sorted = [...versions].sort((a, b) => a.version - b.version);
  const [left, setLeft] = useState(sorted.length > 1 ? sorted[sorted.length - 2].version : sorted[0].version);
  const [right, setRight] = useState(sorted[sorted.length - 1].version);
  const a = sorted.find((v) => v.version === left);
  const b = sorted.find((v) => v.version === right);
  const parts = a && b ? diffWordsWithSpace(textOf(a), textOf(b)) : [];
  const pick = (value: number, set: (n: number) => void, label: string) => (
    <Field label={label}>
      <select className="input" value={value} onChange={(e) => set(Number(e.target.value))}>
        {sorted.map((v) => (
          <option key={v.version} value={v.version}>
            v{v.version}
          </option>
        ))}
      </select>
    </Field>
  );
  return (
    <div className="stack">
      <div className="filters">
        {pick(left, setLeft, 'Compare version')}
        {pick(right, setRight, 'with version')}
      </div>
      <pre className="diff" aria-label={`Changes from v${left} to v${right}`} data-testid="version-diff">
        {parts.map((p, i) => (p.added ? <ins key={i}>{p.value}</ins> : p.removed ? <del key={i}>{p.value}</del> : <span key={i}>{p.value}</span>))}
      </pre>
    </div>
  );
}
