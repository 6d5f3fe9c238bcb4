// The browser globals used inside page.evaluate callbacks, which run in Chromium, not in Node.
// The full DOM lib is left out on purpose: it retypes Node's Blob and breaks the backend's test
// helpers that these tests import.
interface BrowserElement {
  textContent: string | null;
  click(): void;
  querySelector(selector: string): BrowserElement | null;
  querySelectorAll(selector: string): Iterable<BrowserElement> & ArrayLike<BrowserElement>;
  dispatchEvent(event: unknown): boolean;
  getBoundingClientRect(): { left: number; right: number; top: number; bottom: number; width: number; height: number };
}

declare const document: {
  querySelector<T = BrowserElement>(selector: string): T | null;
  querySelectorAll(selector: string): Iterable<BrowserElement> & ArrayLike<BrowserElement>;
  body: BrowserElement;
  activeElement: BrowserElement | null;
  createRange(): { selectNodeContents(node: BrowserElement): void; getClientRects(): ArrayLike<unknown> };
  documentElement: { scrollWidth: number; clientWidth: number };
};
declare const window: unknown;
declare type HTMLElement = BrowserElement;
declare function requestAnimationFrame(callback: () => void): number;
declare class DataTransfer {
  items: { add(file: File): void };
}
declare class DragEvent {
  constructor(type: string, init: { bubbles: boolean; cancelable: boolean; dataTransfer: DataTransfer });
}
declare class MutationObserver {
  constructor(callback: () => void);
  observe(target: BrowserElement, options: { subtree: boolean; childList: boolean; characterData: boolean }): void;
}
