import { LOG_COLUMNS, rowValues, toColumnArrays } from '@src/billing/usage.repository';
import { UsageRecord } from '@src/billing/usage-record';

const record = (over: Partial<UsageRecord>): UsageRecord => ({
  id: '00000000-0000-4000-8000-000000000001',
  createdAt: new Date('2026-11-29T12:00:00Z'),
  clientId: null,
  apiKeyId: null,
  endpoint: '/v1/chat/completions',
  provider: 'mock',
  model: 'echo',
  requestedModel: null,
  templateId: null,
  templateName: null,
  templateVersion: null,
  inputTokens: 1,
  outputTokens: 2,
  cachedInputTokens: 0,
  costUsd: '0',
  priceUnknown: false,
  latencyMs: 1,
  ttftMs: null,
  status: 'success',
  errorCode: null,
  errorMessage: null,
  attempts: 1,
  isStream: false,
  metadata: null,
  ...over,
});

describe('toColumnArrays', () => {
  it('strips NUL characters PostgreSQL would refuse, so a stray \\u0000 never costs the record', () => {
    const [columns] = [
      toColumnArrays([record({ requestedModel: 'gpt\u0000-4o', metadata: { 'k\u0000': 'v\u0000w', nested: ['\u0000x'], literal: '\\u0000' } })]),
    ];
    const flat = columns.map((c) => c[0]);
    expect(flat).toContain('gpt-4o');
    const json = flat.find((v) => typeof v === 'string' && v.startsWith('{')) as string;
    expect(JSON.parse(json)).toEqual({ k: 'vw', nested: ['x'], literal: '\\u0000' });
  });

  it('keeps ordinary metadata untouched', () => {
    const flat = toColumnArrays([record({ metadata: { campaign: 'spring', n: 3 } })]).map((c) => c[0]);
    expect(flat).toContain('{"campaign":"spring","n":3}');
  });

  it('gives a single record (the one-row statement) the same values, in LOG_COLUMNS order, as a batch of one', () => {
    const one = record({ requestedModel: 'gpt\u0000-4o', metadata: { campaign: 'spring' }, ttftMs: 7, errorMessage: 'x' });
    expect(rowValues(one)).toHaveLength(LOG_COLUMNS.length);
    expect(rowValues(one)).toEqual(toColumnArrays([one]).map((c) => c[0]));
  });
});
