import { Toast } from 'radix-ui';
import { useSyncExternalStore } from 'react';

interface Notice {
  id: number;
  tone: 'error' | 'ok';
  text: string;
}

let notices: Notice[] = [];
let nextId = 1;
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((l) => l());

/** Shows a short message in the corner (the QueryClient reports failures through this). */
export function notify(text: string, tone: Notice['tone'] = 'ok'): void {
  notices = [...notices.filter((n) => n.text !== text), { id: nextId++, tone, text }].slice(-4);
  emit();
}

function dismiss(id: number): void {
  notices = notices.filter((n) => n.id !== id);
  emit();
}

export function Toaster() {
  const list = useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => notices,
  );
  return (
    <Toast.Provider swipeDirection="right" duration={6000}>
      {list.map((n) => (
        <Toast.Root key={n.id} className={`toast toast-${n.tone}`} onOpenChange={(open) => !open && dismiss(n.id)}>
          <Toast.Description>{n.text}</Toast.Description>
          <Toast.Close className="toast-close" aria-label="Dismiss">
            ×
          </Toast.Close>
        </Toast.Root>
      ))}
      <Toast.Viewport className="toast-viewport" />
    </Toast.Provider>
  );
}
