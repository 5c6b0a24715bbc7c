/**
 * Reads a value until it satisfies `done` or the deadline passes, and returns
 * the last value read either way: the caller's assertion then says what was
 * expected and what was seen. Tests wait for a condition this way, never for
 * a fixed time.
 */
export async function pollUntil<T>(read: () => T | Promise<T>, done: (value: T) => boolean, { timeoutMs = 5_000, intervalMs = 25 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() >= deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Waits until `condition` holds; fails with `what` when it does not within the deadline. */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  what: string,
  options?: { timeoutMs?: number; intervalMs?: number },
): Promise<void> {
  const held = await pollUntil(condition, (ok) => ok, options);
  if (!held) throw new Error(`timed out waiting until ${what}`);
}
