import { mergeSlices, type LoadResult } from '../../../bench/load';

function slice(durationS: number, requests: number, statusCodes: Record<string, number>, non2xx = 0): LoadResult {
  return {
    label: 'llmhub',
    connections: 1,
    durationS,
    requests,
    requestsPerS: requests / durationS,
    errors: 0,
    timeouts: 0,
    non2xx,
    statusCodes,
    latencyMs: { n: 0, p50: 0, p90: 0, p99: 0, max: 0, mean: 0 },
  };
}

describe('interleaved load slices', () => {
  it('pools one side: counts summed, req/s over the total time, percentiles over every latency', () => {
    const pooled = [...Array.from({ length: 99 }, () => 1), 40];
    const merged = mergeSlices([slice(2, 300, { 200: 300 }), slice(2, 100, { 200: 100, 429: 2 }, 2)], pooled);
    expect(merged).toMatchObject({ durationS: 4, requests: 400, requestsPerS: 100, non2xx: 2, statusCodes: { 200: 400, 429: 2 } });
    // the slow response of one slice shows in the pooled tail, not averaged away per slice
    expect(merged.latencyMs).toMatchObject({ n: 100, p50: 1, p99: 1, max: 40 });
  });
});
