import { MAX_MODEL_LABELS, MetricsService } from '@src/billing/metrics.service';
import type { UsageRecord } from '@src/billing/usage-record';
import type { GenerationStatus } from '@src/billing/generation-log.entity';

function record(model: string, status: GenerationStatus): UsageRecord {
  return {
    id: 'r',
    createdAt: new Date(),
    clientId: 'c',
    apiKeyId: 'k',
    endpoint: '/v1/chat/completions',
    provider: 'openai',
    model,
    requestedModel: null,
    templateId: null,
    templateName: null,
    templateVersion: null,
    inputTokens: 3,
    outputTokens: 2,
    cachedInputTokens: 0,
    costUsd: '0.000001',
    priceUnknown: false,
    latencyMs: 5,
    ttftMs: null,
    status,
    errorCode: status === 'success' ? null : 'upstream_error',
    errorMessage: null,
    attempts: 1,
    isStream: false,
    metadata: null,
  };
}

const modelLabels = (text: string): Set<string> => new Set([...text.matchAll(/^llmhub_generations_total\{[^}]*model="([^"]*)"/gm)].map((m) => m[1]));

const generations = (text: string, model: string, status: string): number => {
  const line = text.split('\n').find((l) => l.startsWith(`llmhub_generations_total{provider="openai",model="${model}",status="${status}"}`));
  return line ? Number(line.split(' ').pop()) : 0;
};

describe('model labels in /metrics', () => {
  it('a model answered once keeps its own label, for its failures too', async () => {
    const metrics = new MetricsService();
    metrics.observeUsage(record('gpt-4o', 'success'));
    metrics.observeUsage(record('gpt-4o', 'error'));
    metrics.observeUsage(record('gpt-4o', 'rate_limited'));
    const text = await metrics.render();
    expect(generations(text, 'gpt-4o', 'success')).toBe(1);
    expect(generations(text, 'gpt-4o', 'error')).toBe(1);
    expect(generations(text, 'gpt-4o', 'rate_limited')).toBe(1);
  });

  it('names a caller invents for calls that fail add no label: they count under "other"', async () => {
    const metrics = new MetricsService();
    for (let i = 0; i < 1000; i++) metrics.observeUsage(record(`gpt-nope-${i}`, 'error'));
    const text = await metrics.render();
    expect(modelLabels(text)).toEqual(new Set(['other']));
    expect(generations(text, 'other', 'error')).toBe(1000);
  });

  it('holds at most MAX_MODEL_LABELS labels however many models answer, and loses no call', async () => {
    const metrics = new MetricsService();
    const calls = MAX_MODEL_LABELS + 300;
    for (let i = 0; i < calls; i++) metrics.observeUsage(record(`echo-${i}`, 'success'));
    metrics.observeUsage(record('echo-0', 'success'));
    const text = await metrics.render();
    const labels = modelLabels(text);
    expect(labels.size).toBeLessThanOrEqual(MAX_MODEL_LABELS + 1);
    expect(labels.has('other')).toBe(true);
    expect(generations(text, 'echo-0', 'success')).toBe(2);
    const counted = [...labels].reduce((sum, model) => sum + generations(text, model, 'success'), 0);
    expect(counted).toBe(calls + 1);
  });
});
