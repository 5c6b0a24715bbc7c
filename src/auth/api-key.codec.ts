import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Every API key starts with this, so leaked keys are recognisable (secret scanners, logs). */
export const API_KEY_PREFIX = 'lh_';
/** Every generated admin token starts with this (an ADMIN_TOKEN of the operator's own may not). */
export const ADMIN_TOKEN_PREFIX = 'lhadm_';
/** characters of the key kept in clear for display (`lh_` + 8) */
const DISPLAY_PREFIX_LENGTH = API_KEY_PREFIX.length + 8;

export interface GeneratedKey {
  /** the full key, shown once */
  key: string;
  hash: Buffer;
  prefix: string;
}

/** 32 random bytes (256 bits): a fast hash is enough, nothing to brute-force. */
export function generateApiKey(): GeneratedKey {
  const key = API_KEY_PREFIX + randomBytes(32).toString('base64url');
  return { key, hash: sha256(key), prefix: key.slice(0, DISPLAY_PREFIX_LENGTH) };
}

export function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Cheap shape check before any lookup: anything else cannot be a key. */
export function looksLikeApiKey(value: string): boolean {
  return value.startsWith(API_KEY_PREFIX) && value.length >= 20 && value.length <= 100;
}

/** A random secret for admin tokens and session ids. */
export function generateSecret(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

export function hashesEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
