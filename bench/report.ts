/** The results table: each figure next to its performance target (bench/README.md). */

export interface Check {
  name: string;
  measured: number | null;
  unit: string;
  /** 'max': measured must be ≤ target; 'min': ≥ target */
  kind: 'max' | 'min';
  target: number;
  note?: string;
}

export type Verdict = 'PASS' | 'MISS' | 'N/A';

export function verdict(c: Check): Verdict {
  if (c.measured === null || Number.isNaN(c.measured)) return 'N/A';
  return (c.kind === 'max' ? c.measured <= c.target : c.measured >= c.target) ? 'PASS' : 'MISS';
}

function fmt(value: number | null, unit: string): string {
  if (value === null || Number.isNaN(value)) return '—';
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 })} ${unit}`.trim();
}

export function renderTable(checks: readonly Check[]): string {
  const rows = checks.map((c) => [c.name, fmt(c.measured, c.unit), `${c.kind === 'max' ? '≤' : '≥'} ${fmt(c.target, c.unit)}`, verdict(c), c.note ?? '']);
  const head = ['figure', 'measured', 'target', 'result', 'note'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
