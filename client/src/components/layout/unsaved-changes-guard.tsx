import { useEffect } from 'react';
import { useBlocker, type BlockerFunction } from 'react-router';
import { EDITS_GONE, hasUnsavedChanges } from '../../lib/unsaved-changes';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';

/**
 * Asked when the console's own navigation would take a form's unsaved edits away: another page, or
 * another tab of this one (the address changes). The sign-in page is not asked for: a session that
 * ended (or a sign-out) leaves nothing that could be saved, and the sign-in dialog keeps the page.
 */
const wouldDropEdits: BlockerFunction = ({ currentLocation, nextLocation }) =>
  hasUnsavedChanges() &&
  nextLocation.pathname !== '/sign-in' &&
  (nextLocation.state as typeof EDITS_GONE | null)?.unsavedEditsGone !== true &&
  (nextLocation.pathname !== currentLocation.pathname || nextLocation.search !== currentLocation.search);

/** Confirms before a reload, a closed tab or an in-app navigation drops unsaved edits. */
export function UnsavedChangesGuard() {
  const blocker = useBlocker(wouldDropEdits);

  // the browser's own confirmation. Registered once and decided when the page is left, not
  // re-registered as the edits come and go: a reload right after a keystroke finds it in place.
  useEffect(() => {
    const confirmLeaving = (event: BeforeUnloadEvent) => {
      if (!hasUnsavedChanges()) return;
      event.preventDefault();
      event.returnValue = true; // older browsers ask only when this is set
    };
    window.addEventListener('beforeunload', confirmLeaving);
    return () => window.removeEventListener('beforeunload', confirmLeaving);
  }, []);

  const keepEditing = () => blocker.reset?.();
  return (
    <Dialog
      open={blocker.state === 'blocked'}
      onOpenChange={(open) => !open && keepEditing()}
      title="Discard unsaved changes?"
      description="What you typed on this page has not been saved. Leaving drops it."
    >
      <div className="dialog-actions">
        <Button variant="secondary" onClick={keepEditing}>
          Keep editing
        </Button>
        <Button variant="danger" onClick={() => blocker.proceed?.()}>
          Discard
        </Button>
      </div>
    </Dialog>
  );
}
