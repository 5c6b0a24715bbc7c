import { Dialog as D } from 'radix-ui';
import type { ReactNode } from 'react';
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
  return (
    <D.Root open={open} onOpenChange={onOpenChange}>
      <D.Portal>
        <D.Overlay className="dialog-overlay" />
        <D.Content
          className={`dialog-content ${wide ? 'dialog-wide' : ''}`}
          aria-describedby={description ? undefined : undefined}
          onEscapeKeyDown={keepOpen}
          onInteractOutside={keepOpen}
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
