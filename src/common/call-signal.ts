/**
 * One call's cancellation: an AbortController and its signal in one object,
 * built on a plain EventTarget. To whoever holds it as an AbortSignal it is
 * one (`aborted`, `reason`, `onabort`, `throwIfAborted()`, a single 'abort'
 * event); only the owner of the call calls `abort()`.
 *
 * Why not Node's own: on Node 20 every AbortSignal outlives the minor
 * collections of the young generation, whether or not anything refers to it,
 * and keeps alive what its listeners refer to (a call's request, response and
 * provider request), so each call's signals were copied and then promoted to
 * the old generation with all of that, to wait for a full collection
 * (docs/performance-history.md, eighth round). This one dies with its call.
 *
 * It is not `instanceof AbortSignal`: `AbortSignal.any()` needs real ones.
 */
export class CallSignal extends EventTarget implements AbortSignal {
  onabort: ((this: AbortSignal, event: Event) => unknown) | null = null;
  #aborted = false;
  #reason: unknown = undefined;

  get aborted(): boolean {
    return this.#aborted;
  }

  get reason(): unknown {
    return this.#reason;
  }

  throwIfAborted(): void {
    if (this.#aborted) throw this.#reason;
  }

  /** Aborts once, with AbortController's default reason when none is given; later calls do nothing. */
  abort(reason: unknown = new DOMException('This operation was aborted', 'AbortError')): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    const event = new Event('abort');
    this.onabort?.call(this, event);
    this.dispatchEvent(event);
  }
}
