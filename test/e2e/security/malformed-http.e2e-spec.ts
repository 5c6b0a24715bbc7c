import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { connect } from 'node:net';
import { GatewayFixture, startGatewayFixture } from '@test/support/gateway';

/** Sends raw bytes and reads the whole answer, until the server closes the connection. */
function raw(url: string, bytes: string): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(bytes));
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
  });
}

function parse(answer: string): { status: number; headers: string; body: Record<string, unknown> } {
  const [head, body] = answer.split('\r\n\r\n');
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), headers: head.toLowerCase(), body: JSON.parse(body) as Record<string, unknown> };
}

/**
 * A request Node's HTTP parser refuses never reaches a route; Node's own answer is a status line
 * with no body, which the SDKs can only report as "(no body)". LLMHub answers it in the error
 * shape of the route the request named, and closes the connection.
 */
describe('requests that are not valid HTTP (e2e)', () => {
  let gateway: GatewayFixture;

  beforeAll(async () => {
    gateway = await startGatewayFixture({ clientName: 'malformed-http' });
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
  });

  it('answers headers past the size limit with a 431 the OpenAI SDK reads', async () => {
    const openai = new OpenAI({ apiKey: gateway.apiKey, baseURL: `${gateway.app.url}/v1`, maxRetries: 0, defaultHeaders: { 'x-trace': 'a'.repeat(20_000) } });
    const err = await openai.chat.completions.create({ model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(431);
    expect((err as InstanceType<typeof OpenAI.APIError>).code).toBe('request_header_too_large');
    expect((err as Error).message).toContain('larger than the server accepts');
  });

  it('answers an oversize request to /v1/messages in the Anthropic shape', async () => {
    const anthropic = new Anthropic({ apiKey: gateway.apiKey, baseURL: gateway.app.url, maxRetries: 0, defaultHeaders: { 'x-trace': 'a'.repeat(20_000) } });
    const err = await anthropic.messages.create({ model: 'mock/echo', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect((err as InstanceType<typeof Anthropic.APIError>).status).toBe(431);
    expect((err as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', code: 'request_header_too_large' },
    });
  });

  it('answers a malformed header with a 400 naming the problem, then closes the connection', async () => {
    const answer = parse(await raw(gateway.app.url, 'POST /v1/chat/completions HTTP/1.1\r\nHost: llmhub\r\nNot a header\r\n\r\n'));
    expect(answer.status).toBe(400);
    expect(answer.headers).toContain('connection: close');
    expect(answer.headers).toMatch(/x-request-id: [0-9a-f-]{36}/);
    expect(answer.body).toMatchObject({
      error: { type: 'invalid_request_error', code: 'bad_request', message: expect.stringContaining('not valid HTTP/1.1') as unknown },
    });
  });

  it('answers a request line it cannot read in LLMHub’s own shape', async () => {
    const answer = parse(await raw(gateway.app.url, 'BREW /pot\r\n\r\n'));
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: { code: 'bad_request' } });
  });
});
