import { useCallback, useState } from 'react';

const PREFIX = 'rag.draft.';

function read(key: string): string {
  try {
    return window.sessionStorage.getItem(PREFIX + key) ?? '';
  } catch {
    return '';
  }
}

function write(key: string, value: string): void {
  try {
    if (value) window.sessionStorage.setItem(PREFIX + key, value);
    else window.sessionStorage.removeItem(PREFIX + key);
  } catch {
    // Storage full or disabled: the draft then lives only in memory.
  }
}

/**
 * Text a person is typing, kept in sessionStorage so that an expired session, a sign-in again or
 * a reload does not lose it. It stays in this tab only, and sign-out clears it.
 */
export function useDraft(key: string): [string, (value: string) => void] {
  const [value, setValue] = useState(() => read(key));
  const update = useCallback(
    (next: string) => {
      setValue(next);
      write(key, next);
    },
    [key],
  );
  return [value, update];
}

/** Forgets every draft (on sign-out, so the next person at this computer does not see them). */
export function clearDrafts(): void {
  try {
    for (let i = window.sessionStorage.length - 1; i >= 0; i--) {
      const key = window.sessionStorage.key(i);
      if (key?.startsWith(PREFIX)) window.sessionStorage.removeItem(key);
    }
  } catch {
    // Nothing stored.
  }
}
