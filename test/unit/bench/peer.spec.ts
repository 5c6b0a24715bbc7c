import type { Child } from '../../../bench/processes';
import { fill, peerTarget, type Peer } from '../../../bench/peer';

describe('another gateway beside LLMHub in the bench', () => {
  const peer = (config: Partial<Peer['config']> = {}): Peer => ({
    config: { name: 'portkey', command: 'start', headers: {}, path: '/v1/chat/completions', ...config },
    child: {} as Child,
    url: 'http://127.0.0.1:4100',
    simUrl: 'http://127.0.0.1:4200',
  });

  it("calls it with the load scenario's body, the simulator's key and its own headers, the simulator's origin filled in", () => {
    const target = peerTarget(peer({ headers: { 'X-Portkey-Provider': 'openai', 'x-portkey-custom-host': '{simulator}/v1' } }), 'gpt-4o-mini');
    expect(target).toMatchObject({
      label: 'portkey',
      url: 'http://127.0.0.1:4100/v1/chat/completions',
      headers: {
        authorization: 'Bearer sk-bench',
        'content-type': 'application/json',
        'x-portkey-provider': 'openai',
        'x-portkey-custom-host': 'http://127.0.0.1:4200/v1',
      },
    });
    expect(JSON.parse(target.body)).toMatchObject({ model: 'gpt-4o-mini', max_tokens: 16 });
  });

  it('uses its own path and model name, and lets its headers replace the key', () => {
    const target = peerTarget(peer({ path: '/chat/completions', model: 'openai/gpt-4o-mini', headers: { Authorization: 'Bearer sk-peer' } }), 'gpt-4o-mini');
    expect(target.url).toBe('http://127.0.0.1:4100/chat/completions');
    expect(target.headers.authorization).toBe('Bearer sk-peer');
    expect(JSON.parse(target.body).model).toBe('openai/gpt-4o-mini');
  });

  it('fills the placeholders it knows and leaves other braces as they are', () => {
    expect(fill('node gw.js --port={port} --upstream={simulator} --config={"a":1} {other}', { port: '4100', simulator: 'http://sim' })).toBe(
      'node gw.js --port=4100 --upstream=http://sim --config={"a":1} {other}',
    );
  });
});
