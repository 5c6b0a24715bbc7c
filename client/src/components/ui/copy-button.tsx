import { useState, type MouseEvent } from 'react';
import { Button } from './button';

/**
 * The Clipboard API exists only on secure origins; the console is often opened
 * as http://<host>:4000, where the copy falls back to execCommand. The text to
 * copy is selected next to the button: inside a dialog, whose focus trap would
 * pull the focus (and the selection) back from anything outside it.
 */
function copyBySelection(text: string, near: HTMLElement): boolean {
  const area = document.createElement('textarea');
  area.value = text;
  area.readOnly = true;
  area.setAttribute('aria-hidden', 'true');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  area.style.pointerEvents = 'none';
  (near.parentElement ?? document.body).appendChild(area);
  area.focus();
  area.select();
  const copied = document.getSelection()?.toString() === text || area.selectionEnd - area.selectionStart === text.length;
  const ok = copied && document.execCommand('copy');
  area.remove();
  near.focus();
  return ok;
}

export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [outcome, setOutcome] = useState<'copied' | 'failed' | null>(null);
  const copy = async (button: HTMLElement) => {
    let ok = true;
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      ok = copyBySelection(text, button);
    }
    setOutcome(ok ? 'copied' : 'failed');
    setTimeout(() => setOutcome(null), ok ? 2000 : 5000);
  };
  return (
    <Button variant="secondary" size="sm" onClick={(e: MouseEvent<HTMLButtonElement>) => void copy(e.currentTarget)} aria-live="polite">
      {outcome === 'copied' ? 'Copied' : outcome === 'failed' ? 'Not copied: select it and copy' : label}
    </Button>
  );
}
