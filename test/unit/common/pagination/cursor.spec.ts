import { createdAtCursor } from '@src/auth/dto/page.dto';
import { logCursor } from '@src/billing/generation-logs.service';
import { AppError } from '@src/common/errors/app-error';
import { cursorCodec } from '@src/common/pagination/cursor';
import { templateCursor } from '@src/prompts/prompt-mapper';

const ID = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const b64 = (text: string) => Buffer.from(text).toString('base64url');

function refusal(decode: () => unknown): AppError {
  try {
    decode();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('the cursor was accepted');
}

describe('cursorCodec', () => {
  const numbered = cursorCodec<number>({
    layout: 'json',
    keyToText: (n) => String(n),
    parseKey: (text) => (/^\d+$/.test(text) ? Number(text) : undefined),
    invalid: { message: 'Invalid cursor', detail: 'not a cursor of this list' },
  });

  it('reads back the position it wrote, as opaque base64url text', () => {
    const cursor = numbered.encode({ key: 42, id: ID });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(numbered.decode(cursor)).toEqual({ key: 42, id: ID });
  });

  it('takes no cursor, or an empty one, as the first page', () => {
    expect(numbered.decode(undefined)).toBeUndefined();
    expect(numbered.decode('')).toBeUndefined();
  });

  it.each([
    ['not base64 JSON', 'garbage!'],
    ['a JSON object', b64(JSON.stringify({ key: '1', id: ID }))],
    ['a pair without an id', b64(JSON.stringify(['1']))],
    ['an id that is no UUID', b64(JSON.stringify(['1', 'abc']))],
    ['a non-string key', b64(JSON.stringify([1, ID]))],
    ['a key this list does not have', b64(JSON.stringify(['one', ID]))],
  ])('refuses %s as a validation_error (422) naming cursor', (_, cursor) => {
    const error = refusal(() => numbered.decode(cursor));
    expect(error).toMatchObject({ code: 'validation_error', status: 422, message: 'Invalid cursor' });
    expect(error.details).toEqual([{ field: 'cursor', message: 'not a cursor of this list' }]);
  });
});

/** The three keyset lists keep the cursors they have always sent, and their own wording when one is malformed. */
describe('the lists’ cursors', () => {
  it('clients and keys: `ISO instant|id`', () => {
    const createdAt = new Date('2026-11-30T19:21:32.123Z');
    const cursor = b64(`2026-11-30T19:21:32.123Z|${ID}`);
    expect(createdAtCursor.encode({ key: createdAt, id: ID })).toBe(cursor);
    expect(createdAtCursor.decode(cursor)).toEqual({ key: createdAt, id: ID });
    // forged times too: a year PostgreSQL cannot hold (a 500 once), and times no list writes
    const forged = ['-200000-01-01T00:00:00.000Z', '+275760-09-13T00:00:00.000Z', '1', '2026-11-30', '2026-11-30T19:21:32Z'].map((key) => b64(`${key}|${ID}`));
    for (const bad of [b64(`yesterday|${ID}`), b64('2026-11-30T19:21:32.123Z'), b64(JSON.stringify(['2026-11-30T19:21:32.123Z', ID])), ...forged]) {
      const error = refusal(() => createdAtCursor.decode(bad));
      expect(error).toMatchObject({
        code: 'validation_error',
        message: 'Invalid cursor',
        details: [{ field: 'cursor', message: 'not a cursor returned by this list' }],
      });
    }
  });

  it('the generation log: JSON [PostgreSQL created_at text, id], microseconds kept', () => {
    const key = '2026-11-30 19:21:32.123456+00';
    const cursor = b64(JSON.stringify([key, ID]));
    expect(logCursor.encode({ key, id: ID })).toBe(cursor);
    expect(logCursor.decode(cursor)).toEqual({ key, id: ID });
    for (const bad of [b64(JSON.stringify(['not a time', ID])), b64(`${key}|${ID}`)]) {
      const error = refusal(() => logCursor.decode(bad));
      expect(error).toMatchObject({
        code: 'validation_error',
        message: 'cursor is not valid',
        details: [{ field: 'cursor', message: 'use next_cursor from a previous page' }],
      });
    }
  });

  it('the generation log: a key PostgreSQL could not have printed for created_at is refused, never cast by the query', () => {
    for (const key of ['2026-11-30 19:21:32+05:30', '2026-11-30 19:21:32.5-03:30', '1901-12-13 20:45:52+05:53:28', '2024-02-29 00:00:00+00']) {
      expect(logCursor.decode(b64(JSON.stringify([key, ID])))).toEqual({ key, id: ID });
    }
    const tampered = [
      '2026-garbage',
      '2026-99-99 04:39:59.5+00',
      '2026-02-30 04:39:59+00',
      '2026-11-30 24:00:01+00',
      '2026-11-30 19:61:32+00',
      '2026-11-30 19:21:32+16',
      '0000-01-01 00:00:00+00',
      '999999-01-01 00:00:00+00',
      '-2026-12-02',
      '1',
      '0',
      'Dec 2 2026',
      '2026-12-02T04:39:59Z',
      '2026-12-02 04:39:59.5 America/New_York',
      'infinity',
    ];
    for (const key of tampered) {
      expect({ key, error: refusal(() => logCursor.decode(b64(JSON.stringify([key, ID])))) }).toMatchObject({
        key,
        error: { code: 'validation_error', details: [{ field: 'cursor', message: 'use next_cursor from a previous page' }] },
      });
    }
  });

  it('templates: JSON [name, id], any name', () => {
    const cursor = b64(JSON.stringify(['tagline | "v2"', ID]));
    expect(templateCursor.encode({ key: 'tagline | "v2"', id: ID })).toBe(cursor);
    expect(templateCursor.decode(cursor)).toEqual({ key: 'tagline | "v2"', id: ID });
    for (const bad of [b64(JSON.stringify(['tagline', 'x'.repeat(36)])), 'garbage!']) {
      const error = refusal(() => templateCursor.decode(bad));
      expect(error).toMatchObject({
        code: 'validation_error',
        message: 'Invalid cursor',
        details: [{ field: 'cursor', message: 'not a cursor from a previous page' }],
      });
    }
  });
});
