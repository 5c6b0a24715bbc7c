import { Dialog as D } from 'radix-ui';
import { useLayoutEffect, useRef, type ReactNode } from 'react';
import { RefreshScope } from './refresh-notice';

export function Dialog({
  open,
  onOpenChange,
  title,
  description,
  children,
  wide,
  dismissible = true,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  description?: ReactNode;
  children: ReactNode;
  wide?: boolean;
  /** false while the dialog shows something that cannot be shown again (a new key): only its own button closes it */
  dismissible?: boolean;
}) {
  const keepOpen = (event: Event) => {
    if (!dismissible) event.preventDefault();
  };
  // Radix returns focus to a Dialog.Trigger, and these dialogs are opened by plain buttons (or a URL):
  // without this, closing one left focus on <body>, and a keyboard user started again from the top.
  // What had focus when it opened gets it back; if that is gone (the row of a revoked key), the page does.
  const openedFrom = useRef<HTMLElement | null>(null);
  useLayoutEffect(() => {
    if (open && document.activeElement instanceof HTMLElement && document.activeElement !== document.body) openedFrom.current = document.activeElement;
  }, [open]);
  const returnFocus = (event: Event) => {
    event.preventDefault();
    let target = openedFrom.current?.isConnected ? openedFrom.current : null;
    openedFrom.current = null;
    // focusing a tab selects it: a tab the dialog kept the operator from ("Keep editing") is not
    // focused, the tab they stayed on is
    if (target?.getAttribute('role') === 'tab' && target.getAttribute('aria-selected') !== 'true')
      target = target.closest('[role="tablist"]')?.querySelector<HTMLElement>('[role="tab"][aria-selected="true"]') ?? null;
    (target ?? document.getElementById('main'))?.focus();
  };
  return (
    <D.Root open={open} onOpenChange={onOpenChange}>
      <D.Portal>
        <D.Overlay className="dialog-overlay" />
        <D.Content
          className={`dialog-content ${wide ? 'dialog-wide' : ''}`}
          aria-describedby={description ? undefined : undefined}
          onEscapeKeyDown={keepOpen}
          onInteractOutside={keepOpen}
          onCloseAutoFocus={returnFocus}
        >
          <D.Title className="dialog-title">{title}</D.Title>
          {description ? (
            <D.Description className="dialog-description">{description}</D.Description>
          ) : (
            <D.Description className="visually-hidden">{title}</D.Description>
          )}
          {/* what fails to refresh in a dialog is said in it, not on the page under its overlay */}
          <RefreshScope subject="this">{children}</RefreshScope>
          {dismissible && (
            <D.Close className="dialog-close" aria-label="Close">
              ×
            </D.Close>
          )}
        </D.Content>
      </D.Portal>
    </D.Root>
  );
}
