import { useSyncExternalStore } from 'react';

/** What the person chose: follow the system setting, or always light or dark. */
export type ThemeChoice = 'system' | 'light' | 'dark';

const KEY = 'rag.theme';
const DARK = '(prefers-color-scheme: dark)';
const listeners = new Set<() => void>();

function read(): ThemeChoice {
  try {
    const stored = window.localStorage.getItem(KEY);
    return stored === 'light' || stored === 'dark' ? stored : 'system';
  } catch {
    return 'system';
  }
}

/** Puts the resolved theme on <html data-theme>, which the style tokens follow. */
function apply(choice: ThemeChoice): void {
  const dark = choice === 'dark' || (choice === 'system' && window.matchMedia(DARK).matches);
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
}

/** Applies the saved choice before the first paint, and follows the system while the choice is "system". */
export function startTheme(): void {
  apply(read());
  window.matchMedia(DARK).addEventListener('change', () => apply(read()));
}

export function setTheme(choice: ThemeChoice): void {
  try {
    if (choice === 'system') window.localStorage.removeItem(KEY);
    else window.localStorage.setItem(KEY, choice);
  } catch {
    // Storage disabled: the choice lasts until the page is reloaded.
  }
  apply(choice);
  current = choice;
  listeners.forEach((l) => l());
}

let current: ThemeChoice | null = null;

/** The theme choice, for the switch. */
export function useTheme(): ThemeChoice {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => (current ??= read()),
  );
}
