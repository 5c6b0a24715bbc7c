/** A signal that never aborts, for calls made without a client connection (one shared instance, no per-call allocation). */
export const NEVER_ABORTED: AbortSignal = new AbortController().signal;
