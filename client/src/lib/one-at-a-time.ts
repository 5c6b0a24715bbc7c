import { useCallback, useRef } from 'react';

/**
 * A submit that is sent once however fast it is pressed again. A mutation's isPending disables its
 * button only once React has rendered, and a double click (or Enter pressed twice) can come before
 * that: without this, "Create key" made two keys and showed one, and a second "Rotate key" replaced
 * the rotated key on screen with its own refusal. `run` is skipped (resolving to undefined) while the
 * one it started is still in flight.
 */
export function useOneAtATime(): <T>(run: () => Promise<T>) => Promise<T | undefined> {
  const inFlight = useRef(false);
  return useCallback(<T>(run: () => Promise<T>): Promise<T | undefined> => {
    if (inFlight.current) return Promise.resolve(undefined);
    inFlight.current = true;
    return run().finally(() => {
      inFlight.current = false;
    });
  }, []);
}
