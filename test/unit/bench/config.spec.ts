import { loadConfig } from '../../../bench/config';

const load = (env: Record<string, string> = {}, argv: string[] = []) => loadConfig(env, argv, '/tmp/bench-results');

describe('bench settings', () => {
  it('runs stream-load with the answer in one write and with events 1 ms apart unless told otherwise', () => {
    expect(load().streamLoadChunkDelaysMs).toEqual([0, 1]);
    expect(load({ BENCH_STREAM_LOAD_CHUNK_DELAY_MS: '0, 5' }).streamLoadChunkDelaysMs).toEqual([0, 5]);
    expect(load({}, ['--stream-load-chunk-delay-ms=2']).streamLoadChunkDelaysMs).toEqual([2]);
  });

  it.each(['-1', 'fast', '0,,1', '1,', '1.5', '1001'])('refuses the pause list "%s", naming the setting', (raw) => {
    expect(() => load({ BENCH_STREAM_LOAD_CHUNK_DELAY_MS: raw })).toThrow(/^BENCH_STREAM_LOAD_CHUNK_DELAY_MS: expected pauses in ms from 0 to 1000/);
  });

  it.each(['0', '10,', 'ten', '2000'])('refuses the connection counts "%s", naming the setting', (raw) => {
    expect(() => load({ BENCH_CONNECTIONS: raw })).toThrow(/^BENCH_CONNECTIONS: expected connection counts from 1 to 1000/);
    expect(() => load({ BENCH_STREAM_LOAD_CONNECTIONS: raw })).toThrow(/^BENCH_STREAM_LOAD_CONNECTIONS: expected connection counts/);
  });

  it('profiles the largest connection count of the scenario it profiles', () => {
    expect(load({ BENCH_CONNECTIONS: '1,10,50' })).toMatchObject({ profileScenario: 'load', profileConnections: 50 });
    expect(load({ BENCH_PROFILE_SCENARIO: 'stream-load', BENCH_STREAM_LOAD_CONNECTIONS: '10,20' })).toMatchObject({
      profileScenario: 'stream-load',
      profileConnections: 20,
    });
    expect(load({ BENCH_PROFILE_SCENARIO: 'stream-load', BENCH_PROFILE_CONNECTIONS: '10' }).profileConnections).toBe(10);
  });

  it('refuses a scenario that cannot be profiled, naming the two that can', () => {
    expect(() => load({ BENCH_PROFILE_SCENARIO: 'burst' })).toThrow('BENCH_PROFILE_SCENARIO: expected load or stream-load, got "burst"');
  });
});
