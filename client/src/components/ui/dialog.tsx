import { Dialog as D } from 'radix-ui';
import type { ReactNode } from 'react';

export function Dialog({
  open,
  onOpenChange,
  title,
  description,
  children,
  wide,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  description?: ReactNode;
  children: ReactNode;
  wide?: boolean;
}) {
  return (
    <D.Root open={open} onOpenChange={onOpenChange}>
      <D.Portal>
        <D.Overlay className="dialog-overlay" />
        <D.Content className={`dialog-content ${wide ? 'dialog-wide' : ''}`} aria-describedby={description ? undefined : undefined}>
          <D.Title className="dialog-title">{title}</D.Title>
          {description ? (
            <D.Description className="dialog-description">{description}</D.Description>
          ) : (
            <D.Description className="visually-hidden">{title}</D.Description>
          )}
          {children}
          <D.Close className="dialog-close" aria-label="Close">
            ×
          </D.Close>
        </D.Content>
      </D.Portal>
    </D.Root>
  );
}
