import { useCallback, useEffect, useId } from 'react';

// The forms of the open page whose edits are not saved yet. In memory only, like the edits themselves:
// nothing of them is written to browser storage, so leaving the page can only be confirmed, not undone.
const dirtyForms = new Set<string>();

function mark(form: string, dirty: boolean): void {
  if (dirty) dirtyForms.add(form);
  else dirtyForms.delete(form);
}

export function hasUnsavedChanges(): boolean {
  return dirtyForms.size > 0;
}

/**
 * Navigation state for leaving a page whose edits no longer matter (what they edited was just deleted):
 * the guard lets it through without asking.
 */
export const EDITS_GONE = { unsavedEditsGone: true } as const;

/** Whether a form's values differ from what it was loaded (or last saved) with. */
export function differs(values: unknown, loaded: unknown): boolean {
  return JSON.stringify(values) !== JSON.stringify(loaded);
}

/**
 * Counts the calling form's edits as unsaved while `dirty`, so leaving the page asks first
 * (UnsavedChangesGuard). The function it returns counts them as saved at once: for a form whose save
 * moves the page on in the same step, before React renders the form again.
 */
export function useUnsavedChanges(dirty: boolean): () => void {
  const form = useId();
  useEffect(() => {
    mark(form, dirty);
    return () => mark(form, false);
  }, [form, dirty]);
  return useCallback(() => mark(form, false), [form]);
}
