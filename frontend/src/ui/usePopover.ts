import { useEffect, useRef, useState, type KeyboardEvent } from 'react';

/**
 * Open state for a menu that pops out of a button: a press anywhere outside the element under
 * `ref` closes it, and so does Escape inside it (stopped there, so a dialog around it stays open).
 */
export function usePopover<T extends HTMLElement = HTMLDivElement>() {
  const [open, setOpen] = useState(false);
  const ref = useRef<T>(null);

  useEffect(() => {
    if (!open) return;
    const handlePointer = (e: PointerEvent) => {
      if (!ref.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', handlePointer);
    return () => document.removeEventListener('pointerdown', handlePointer);
  }, [open]);

  function handleKeyDown(e: KeyboardEvent) {
    if (e.key !== 'Escape' || !open) return;
    e.stopPropagation();
    setOpen(false);
  }

  return { open, setOpen, ref, handleKeyDown };
}
