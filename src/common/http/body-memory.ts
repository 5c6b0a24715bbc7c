import type { ServerResponse } from 'node:http';
import { getHeapStatistics } from 'node:v8';

/** Whose room a body did not fit in: the instance's, or its client's share of it. */
export type NoRoom = 'instance' | 'client';

interface Held {
  bytes: number;
  client: string | undefined;
}

/**
 * The request bodies the process holds at once. A parsed body lives on for its whole call (its text
 * decoded, then serialized again for the provider), at about four times its size in the heap: forty
 * bodies of 19 MB sent at once by one client exhausted a 1.5 GB heap and ended the process, with every
 * call in it. So each large body is held from when it is read until its answer ends, and one that
 * would take the bodies held past the budget, or its client's past half of it, is refused. Small
 * bodies (nearly every call) are neither counted nor refused: large uploads cannot crowd out ordinary
 * calls, and those cost nothing here.
 */
export class BodyMemory {
  private heldBytes = 0;
  private readonly held = new WeakMap<ServerResponse, Held>();
  private readonly heldByClient = new Map<string, number>();

  constructor(
    /** the most bytes of bodies held at once */
    readonly budgetBytes: number,
    /** a body this size or smaller is neither held nor refused */
    readonly smallBytes: number,
  ) {}

  /** the most one client's bodies may hold at once: half, so no one client can take it all */
  get clientBudgetBytes(): number {
    return Math.floor(this.budgetBytes / 2);
  }

  /** the bytes of bodies held now, in all or by one client */
  bytesHeld(client?: string): number {
    return client === undefined ? this.heldBytes : (this.heldByClient.get(client) ?? 0);
  }

  /**
   * Holds `bytes` of body for `res`'s request (sent by `client`, when a client's key let it in) until
   * its answer ends or its connection closes; a request already holding as much holds no more. Says
   * whose room it did not fit in, holding nothing, when it would take the bodies held past the budget
   * or the client's past its share.
   */
  hold(res: ServerResponse, bytes: number, client?: string): NoRoom | undefined {
    if (bytes <= this.smallBytes) return undefined;
    const already = this.held.get(res);
    if (already !== undefined && already.bytes >= bytes) return undefined;
    const more = bytes - (already?.bytes ?? 0);
    if (this.heldBytes + more > this.budgetBytes) return 'instance';
    if (client !== undefined && this.bytesHeld(client) + more > this.clientBudgetBytes) return 'client';
    this.heldBytes += more;
    if (client !== undefined) this.heldByClient.set(client, this.bytesHeld(client) + more);
    this.held.set(res, { bytes, client });
    if (already === undefined) res.once('close', () => this.release(res));
    return undefined;
  }

  private release(res: ServerResponse): void {
    const held = this.held.get(res);
    if (!held) return;
    this.held.delete(res);
    this.heldBytes -= held.bytes;
    if (held.client === undefined) return;
    const left = this.bytesHeld(held.client) - held.bytes;
    if (left > 0) this.heldByClient.set(held.client, left);
    else this.heldByClient.delete(held.client);
  }
}

/**
 * An eighth of the heap's limit: four times that in the heap for the bodies, and the rest for everything
 * else (the live heap is about 70 MB). With the start scripts' 1.5 GB heap, 192 MB: ten bodies of 19 MB.
 */
export const bodyMemory = new BodyMemory(Math.floor(getHeapStatistics().heap_size_limit / 8), 64 * 1024);
