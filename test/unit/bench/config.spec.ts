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

  describe('another gateway beside LLMHub', () => {
    const portkey = 'node gateway/start-server.js --port={port}';

    it('sets none unless a command starts one', () => {
      expect(load().peer).toBeUndefined();
    });

    it('reads its name, headers, model and path, with defaults for all but the command', () => {
      expect(load({ BENCH_PEER_COMMAND: portkey }).peer).toEqual({ name: 'peer', command: portkey, headers: {}, path: '/v1/chat/completions' });
      expect(
        load({}, [
          `--peer-command=${portkey}`,
          '--peer-name=portkey',
          '--peer-headers={"x-portkey-provider":"openai","x-portkey-custom-host":"{simulator}/v1"}',
          '--peer-model=openai/gpt-4o-mini',
          '--peer-path=/chat/completions',
        ]).peer,
      ).toEqual({
        name: 'portkey',
        command: portkey,
        headers: { 'x-portkey-provider': 'openai', 'x-portkey-custom-host': '{simulator}/v1' },
        model: 'openai/gpt-4o-mini',
        path: '/chat/completions',
      });
    });

    it('refuses its other settings without the command, naming them', () => {
      expect(() => load({ BENCH_PEER_NAME: 'portkey', BENCH_PEER_MODEL: 'x' })).toThrow(
        'BENCH_PEER_NAME, BENCH_PEER_MODEL: set BENCH_PEER_COMMAND too (the command that starts the other gateway)',
      );
    });

    it.each([
      ['not json', /^BENCH_PEER_HEADERS: not JSON/],
      ['["x-a"]', /^BENCH_PEER_HEADERS: expected a JSON object/],
      ['{"x-retries": 3}', /^BENCH_PEER_HEADERS: the value of "x-retries" is not a string/],
    ])('refuses the headers %s, naming the setting', (raw, message) => {
      expect(() => load({ BENCH_PEER_COMMAND: portkey, BENCH_PEER_HEADERS: raw })).toThrow(message);
    });

    it('refuses a name that would not fit the tables and a path without its slash', () => {
      expect(() => load({ BENCH_PEER_COMMAND: portkey, BENCH_PEER_NAME: 'a very long gateway name' })).toThrow(/^BENCH_PEER_NAME: 1 to 12/);
      expect(() => load({ BENCH_PEER_COMMAND: portkey, BENCH_PEER_PATH: 'v1/chat' })).toThrow('BENCH_PEER_PATH: a path starting with /, got "v1/chat"');
    });
  });
});
