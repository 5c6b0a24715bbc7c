import { Counter, Histogram, Registry } from 'prom-client';
import { boundCounter, boundDecimalCounter, boundHistogram } from '@src/billing/bound-metrics';

/** The same updates through prom-client's own API and through the bound label sets render the same /metrics text. */
async function render(bound: boolean): Promise<string> {
  const registry = new Registry();
  const counter = new Counter({ name: 'c_total', help: 'c', labelNames: ['a', 'b'] as const, registers: [registry] });
  const unlabelled = new Histogram({ name: 'u_seconds', help: 'u', buckets: [0.001, 0.01, 1], registers: [registry] });
  const histogram = new Histogram({ name: 'h_seconds', help: 'h', labelNames: ['a'] as const, buckets: [0.001, 0.01, 1], registers: [registry] });
  const values = [0.0005, 0.001, 0.005, 0.5, 3, 0];
  if (bound) {
    const c1 = boundCounter(counter, { a: 'x', b: 'y' });
    const c2 = boundCounter(counter, { a: 'x', b: 'z' });
    boundCounter(counter, { a: 'never', b: 'used' });
    const u = boundHistogram(unlabelled);
    const h = boundHistogram(histogram, { a: 'x' });
    for (const v of values) {
      c1();
      c2(v * 10);
      u(v);
      h(v);
    }
  } else {
    for (const v of values) {
      counter.inc({ a: 'x', b: 'y' });
      if (v > 0) counter.inc({ a: 'x', b: 'z' }, v * 10);
      unlabelled.observe(v);
      histogram.observe({ a: 'x' }, v);
    }
  }
  return registry.metrics();
}

describe('bound metrics', () => {
  it('render exactly what prom-client renders for the same updates', async () => {
    const expected = await render(false);
    expect(expected).toContain('h_seconds_bucket{le="0.01",a="x"} 4');
    expect(await render(true)).toBe(expected);
  });

  it('add decimal amounts exactly: the counter shows the float nearest the exact sum', async () => {
    const registry = new Registry();
    const counter = new Counter({ name: 'cost_usd_total', help: 'c', labelNames: ['model'] as const, registers: [registry] });
    const add = boundDecimalCounter(counter, { model: 'm' }, 10);
    for (const amount of ['0.1', '0.2', '0.0000000001', '0', '-1', '1e-3']) add(amount);
    expect(await registry.metrics()).toContain('cost_usd_total{model="m"} 0.3000000001\n');
    for (let i = 0; i < 9; i++) add('0.0000001235');
    expect(await registry.metrics()).toContain('cost_usd_total{model="m"} 0.3000011116\n');
  });
});
