import { randomUUID } from 'node:crypto';

/** The one UUID check (any version, case-insensitive), for path ids, cursors and request ids. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

/**
 * A UUIDv7 (RFC 9562): the first 48 bits are the Unix time in milliseconds, the
 * rest random (from randomUUID's pooled entropy; version 7, variant 10). Request
 * ids are the log's primary key: ids that grow with time append to the index's
 * last page instead of a random one, which after a checkpoint writes about a
 * fifth of the WAL per insert on a large log (docs/performance-history.md, tenth round).
 */
export function timeOrderedUuid(now: number = Date.now()): string {
  const random = randomUUID(); // xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx
  const ms = now.toString(16).padStart(12, '0');
  return `${ms.slice(0, 8)}-${ms.slice(8, 12)}-7${random.slice(15)}`;
}
