import { AppError } from '../errors/app-error';
import { isUuid } from '../uuid';

/** A keyset position: the sort key of the last row on a page and that row's id (the tie-breaker). */
export interface KeysetPosition<K> {
  key: K;
  id: string;
}

export interface CursorFormat<K> {
  /**
   * How the pair is written before base64url: a JSON array `[key, id]`, or `key|id`.
   * Each list keeps the layout it has always sent, so cursors in flight stay valid.
   */
  layout: 'json' | 'pipe';
  keyToText: (key: K) => string;
  /** The key back from its text; undefined when the text is not a key of this list. */
  parseKey: (text: string) => K | undefined;
  /** The 422's message and its `cursor` detail, in this list's words. */
  invalid: { message: string; detail: string };
}

export interface CursorCodec<K> {
  encode(position: KeysetPosition<K>): string;
  /** No cursor (absent or empty) is the first page; anything that is not a cursor of this list is a `validation_error` naming `cursor`. */
  decode(cursor: string | undefined): KeysetPosition<K> | undefined;
}

/**
 * The one codec for the opaque `next_cursor` of keyset-paged lists (docs/API.md, Paging):
 * a (sort key, id) pair as base64url text. The id must be a UUID, so a forged cursor is
 * refused here rather than reaching the database.
 */
export function cursorCodec<K>(format: CursorFormat<K>): CursorCodec<K> {
  const unpack = (text: string): [unknown, unknown] | undefined => {
    if (format.layout === 'pipe') {
      const [key, id] = text.split('|');
      return [key, id];
    }
    try {
      const value: unknown = JSON.parse(text);
      return Array.isArray(value) ? [value[0], value[1]] : undefined;
    } catch {
      return undefined;
    }
  };

  return {
    encode({ key, id }) {
      const text = format.layout === 'pipe' ? `${format.keyToText(key)}|${id}` : JSON.stringify([format.keyToText(key), id]);
      return Buffer.from(text).toString('base64url');
    },
    decode(cursor) {
      if (cursor === undefined || cursor === '') return undefined;
      const pair = unpack(Buffer.from(cursor, 'base64url').toString('utf8'));
      if (pair && typeof pair[0] === 'string' && typeof pair[1] === 'string' && isUuid(pair[1])) {
        const key = format.parseKey(pair[0]);
        if (key !== undefined) return { key, id: pair[1] };
      }
      throw new AppError('validation_error', format.invalid.message, [{ field: 'cursor', message: format.invalid.detail }]);
    },
  };
}
