import type { ServerResponse } from 'node:http';
import { getHeapStatistics } from 'node:v8';

/**
 * The request bodies the process holds at once. A parsed body lives on for its whole call (its text
 * decoded, then serialized again for the provider), at about four times its size in the heap: forty
 * bodies of 19 MB sent at once by one client exhausted a 1.5 GB heap and ended the process, with every
 * call in it. So each large body is held from when it is read until its answer ends, and one that
 * would take the bodies held past the budget is refused. Small bodies (nearly every call) are neither
 * counted nor refused: large uploads cannot crowd out ordinary calls, and those cost nothing here.
 */
export class BodyMemory {
  private heldBytes = 0;
  private readonly held = new WeakMap<ServerResponse, number>();

  constructor(
    /** the most bytes of bodies held at once */
    readonly budgetBytes: number,
    /** a body this size or smaller is neither held nor refused */
    readonly smallBytes: number,
  ) {}

  /** the bytes of bodies held now */
  get bytesHeld(): number {
    return this.heldBytes;
  }

  /**
   * Holds `bytes` of body for `res`'s request until its answer ends (or its connection closes); a
   * request already holding as much holds no more. False, holding nothing, when the bodies held would
   * pass the budget.
   */
  hold(res: ServerResponse, bytes: number): boolean {
    if (bytes <= this.smallBytes) return true;
    const already = this.held.get(res);
    if (already !== undefined && already >= bytes) return true;
    const more = bytes - (already ?? 0);
    if (this.heldBytes + more > this.budgetBytes) return false;
    this.heldBytes += more;
    this.held.set(res, bytes);
    if (already === undefined) res.once('close', () => this.release(res));
    return true;
  }

  private release(res: ServerResponse): void {
    this.heldBytes -= this.held.get(res) ?? 0;
    this.held.delete(res);
  }
}

/**
 * An eighth of the heap's limit: four times that in the heap for the bodies, and the rest for everything
 * else (the live heap is about 70 MB). With the start scripts' 1.5 GB heap, 192 MB: ten bodies of 19 MB.
 */
export const bodyMemory = new BodyMemory(Math.floor(getHeapStatistics().heap_size_limit / 8), 64 * 1024);
