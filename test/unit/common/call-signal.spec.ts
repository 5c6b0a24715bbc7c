import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventEmitter, once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { CallSignal } from '../../../src/common/call-signal';

describe('CallSignal', () => {
  it('starts unaborted', () => {
    const signal = new CallSignal();
    expect(signal.aborted).toBe(false);
    expect(signal.reason).toBeUndefined();
    expect(() => signal.throwIfAborted()).not.toThrow();
  });

  it('aborts once, with the AbortController default reason, telling every listener and onabort once', () => {
    const signal = new CallSignal();
    const heard: string[] = [];
    signal.addEventListener('abort', (event) => heard.push(`listener:${event.type}`));
    signal.addEventListener('abort', { handleEvent: () => heard.push('handleEvent') }, { once: true });
    signal.onabort = () => heard.push('onabort');

    signal.abort();
    const reason = signal.reason as DOMException;
    signal.abort(new Error('second'));

    expect(signal.aborted).toBe(true);
    expect(reason).toBeInstanceOf(DOMException);
    expect(reason.name).toBe('AbortError');
    expect(signal.reason).toBe(reason);
    expect(heard).toEqual(['onabort', 'listener:abort', 'handleEvent']);
    expect(() => signal.throwIfAborted()).toThrow(reason);
  });

  it('keeps the reason it is given', () => {
    const signal = new CallSignal();
    const reason = new Error('client left');
    signal.abort(reason);
    expect(signal.reason).toBe(reason);
    expect(() => signal.throwIfAborted()).toThrow(reason);
  });

  it('does not call a listener that was removed, or one added after the abort', () => {
    const signal = new CallSignal();
    const removed = jest.fn();
    signal.addEventListener('abort', removed);
    signal.removeEventListener('abort', removed);
    signal.abort();
    const late = jest.fn();
    signal.addEventListener('abort', late);
    expect(removed).not.toHaveBeenCalled();
    expect(late).not.toHaveBeenCalled();
  });

  it("is accepted as an AbortSignal by Node's timers and events", async () => {
    const signal = new CallSignal();
    const timer = sleep(60_000, undefined, { signal });
    const emitter = new EventEmitter();
    const waiting = once(emitter, 'never', { signal });
    signal.abort();
    await expect(timer).rejects.toMatchObject({ name: 'AbortError' });
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
  });

  describe('with undici, as the provider calls use it', () => {
    let server: Server;
    let url: string;

    beforeAll(async () => {
      // answers nothing: only an abort ends the request
      server = createServer(() => undefined);
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    });

    afterAll(async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    });

    it('aborts a request in flight', async () => {
      const signal = new CallSignal();
      const pending = request(url, { method: 'POST', body: '{}', signal });
      await sleep(20);
      signal.abort();
      await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    });
  });
});
