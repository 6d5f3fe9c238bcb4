import fs from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { SCREENSHOT_DIR } from './harness.ts';

/**
 * Clicks in the page and measures, in the page's own clock, the time until `feedback` matches
 * and the next frame is painted: what a person perceives as the response to their click.
 */
export async function clickToFeedback(page: Page, click: string, feedback: string): Promise<number> {
  return page.evaluate(
    ([clickSelector, feedbackSelector]) =>
      new Promise<number>((resolve, reject) => {
        const target = document.querySelector<HTMLElement>(clickSelector!);
        if (!target) return reject(new Error(`nothing matches ${clickSelector}`));
        const start = performance.now();
        target.click();
        const check = () => {
          if (document.querySelector(feedbackSelector!)) requestAnimationFrame(() => resolve(Math.round(performance.now() - start)));
          else if (performance.now() - start > 10_000) reject(new Error(`no ${feedbackSelector} within 10 s`));
          else requestAnimationFrame(check);
        };
        check();
      }),
    [click, feedback],
  );
}

/** Starts recording every text the given elements show, with the row they belong to, until read. */
export async function recordTexts(page: Page, rowSelector: string, textSelector: string): Promise<void> {
  await page.evaluate(
    ([row, text]) => {
      const seen: string[] = [];
      (window as unknown as { __seen: string[] }).__seen = seen;
      const snapshot = () => {
        for (const r of document.querySelectorAll(row!)) {
          const name = r.querySelector('.upload-name')?.textContent ?? '';
          for (const t of r.querySelectorAll(text!)) {
            const entry = `${name}|${t.textContent ?? ''}`;
            if (seen[seen.length - 1] !== entry && !seen.includes(entry)) seen.push(entry);
          }
        }
      };
      new MutationObserver(snapshot).observe(document.body, { subtree: true, childList: true, characterData: true });
    },
    [rowSelector, textSelector],
  );
}

export const readTexts = (page: Page) => page.evaluate(() => (window as unknown as { __seen: string[] }).__seen);

/** Appends measured figures to screenshots/figures.json, for the issue note. */
export function recordFigure(name: string, value: number | string): void {
  const file = path.join(SCREENSHOT_DIR, 'figures.json');
  const figures = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  figures[name] = value;
  fs.writeFileSync(file, `${JSON.stringify(figures, null, 2)}\n`);
}

/** Drops files on an element the way a browser does after a drag from the desktop. */
export async function dropFiles(page: Page, selector: string, files: { name: string; mimeType: string; buffer: Buffer }[]): Promise<void> {
  await page.evaluate(
    ({ selector: sel, list }) => {
      const transfer = new DataTransfer();
      for (const f of list) transfer.items.add(new File([Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0))], f.name, { type: f.mimeType }));
      const zone = document.querySelector(sel)!;
      for (const type of ['dragenter', 'dragover', 'drop']) zone.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer }));
    },
    { selector, list: files.map((f) => ({ name: f.name, mimeType: f.mimeType, b64: f.buffer.toString('base64') })) },
  );
}

/** The page is not wider than its viewport (nothing forces sideways scrolling). */
export const horizontalOverflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/**
 * Asks a question from the chat and returns the finished answer once the conversation it started
 * has been read back from the server (the stored conversation replaces the streamed answer then).
 */
export async function askAndReadBack(page: Page, question: string): Promise<Locator> {
  await page.getByRole('textbox', { name: 'Your question' }).fill(question);
  const stored = page.waitForResponse((r) => /\/api\/v1\/conversations\/[0-9a-f-]{36}$/.test(r.url()) && r.request().method() === 'GET');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/chat\/[0-9a-f-]{36}$/);
  const answer = page.locator('article[data-testid="assistant-message"][data-phase="done"]').last();
  await answer.waitFor({ timeout: 30_000 });
  await stored;
  return answer;
}
