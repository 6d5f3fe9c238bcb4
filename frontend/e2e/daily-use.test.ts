import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page, Route } from 'playwright-core';
import { makePdf } from '../../backend/test/support/fixtures.ts';
import { signIn, startDashboard, type Dashboard } from './harness.ts';
import { horizontalOverflow } from './page-helpers.ts';

const FILLER = 'This page describes general background that has nothing to do with the question at hand. '.repeat(6);
const DESKTOP = { width: 1366, height: 900 };
const PHONE = { width: 390, height: 844 };

async function pdfFile(name: string, text: string) {
  return { name, mimeType: 'application/pdf', buffer: await makePdf([`${text}\n${FILLER}`]) };
}

/** Where the documents table, its scrolling box and its Delete buttons end, and the sizes that take more than one line. */
function tableLayout(page: Page) {
  return page.evaluate(() => {
    const right = (sel: string) => document.querySelector(sel)!.getBoundingClientRect().right;
    const deletes = [...document.querySelectorAll('.documents-table .actions-cell .button-danger-ghost')].map((b) => b.getBoundingClientRect().right);
    const wrappedSizes = [...document.querySelectorAll('.documents-table td[data-label="Size"]')]
      .filter((cell) => {
        const range = document.createRange();
        range.selectNodeContents(cell);
        return range.getClientRects().length > 1;
      })
      .map((cell) => cell.textContent);
    return { wrapRight: right('.table-wrap'), tableRight: right('.documents-table'), deleteRight: Math.max(...deletes), wrappedSizes };
  });
}

/** The texts the upload rows show, by file name. */
async function uploadStates(page: Page): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const row of await page.getByTestId('upload-row').all()) {
    const name = (await row.locator('.upload-name').textContent()) ?? '';
    out[name] = ((await row.locator('.processing-text').allTextContents()).join(' | ') || (await row.textContent())) ?? '';
  }
  return out;
}

describe('the dashboard for daily use, in a real browser', () => {
  let d: Dashboard;

  before(async () => {
    d = await startDashboard();
  });
  after(async () => {
    await d?.close();
  });

  it('warns before a reload drops uploads, then shows what became of each file and picks the unsent ones again in one click', async () => {
    const page = await d.newPage(DESKTOP);
    await signIn(page, d);
    const files = await Promise.all(['one', 'two', 'three', 'four', 'five'].map((n) => pdfFile(`${n}.pdf`, `The ${n} report.`)));
    // Only the first upload gets through; three others stay in flight (held by the network) and one waits, until the reload.
    const held: Route[] = [];
    let passed = 0;
    await page.route('**/api/v1/documents', async (route) => {
      if (route.request().method() !== 'POST' || passed++ === 0) return route.continue();
      held.push(route);
    });
    // A person has clicked in the page: only then does the browser let it ask before unloading.
    await page.getByRole('heading', { name: 'Documents', exact: true }).click();
    await page.getByTestId('file-input').setInputFiles(files);
    await page.waitForFunction(() => document.querySelector('[data-testid="upload-row"] .processing, [data-testid="upload-row"] .processing-ready') !== null);
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="upload-row"] .processing-text')].filter((e) => /^Uploading/.test(e.textContent ?? '')).length === 3);

    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.type());
      void dialog.accept();
    });
    await page.reload();
    assert.deepEqual(dialogs, ['beforeunload'], 'no warning before leaving with uploads in flight');
    for (const route of held) await route.abort().catch(() => undefined);
    await page.unroute('**/api/v1/documents');

    await page.getByRole('button', { name: 'Pick them again' }).waitFor();
    const states = await uploadStates(page);
    assert.deepEqual(Object.keys(states), ['one.pdf', 'two.pdf', 'three.pdf', 'four.pdf', 'five.pdf']);
    assert.match(states['one.pdf']!, /^(Queued|Parsing|Chunking|Embedding|Indexing|Ready)/, 'the sent file is not shown processing');
    for (const name of ['two.pdf', 'three.pdf', 'four.pdf', 'five.pdf']) assert.match(states[name]!, /^Not sent/, `${name}: ${states[name]}`);
    assert.match((await page.locator('.uploads-summary').textContent()) ?? '', /4 not sent/);
    await d.screenshot(page, 'documents-uploads-after-reload');

    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Pick them again' }).click()]);
    await chooser.setFiles(files.slice(1));
    await page.waitForFunction(
      () => {
        const rows = [...document.querySelectorAll('[data-testid="upload-row"]')];
        return rows.length === 5 && rows.every((r) => /^Ready/.test(r.querySelector('.processing-ready .processing-text')?.textContent ?? ''));
      },
      undefined,
      { timeout: 90_000 },
    );
    assert.equal(await page.getByRole('button', { name: 'Pick them again' }).count(), 0);
    // Nothing in flight any more: leaving is not questioned.
    await page.reload();
    assert.deepEqual(dialogs, ['beforeunload']);
    await page.getByTestId('upload-row').nth(4).waitFor();
    assert.equal(await page.locator('[data-testid="document-row"]').count(), 5);
    await page.context().close();
    assert.deepEqual(d.pageErrors, []);
  });

  it('fits the documents table in 1366 px: no sideways scrolling, the Delete column whole, sizes on one line', async () => {
    const page = await d.newPage(DESKTOP);
    await signIn(page, d);
    await page.getByTestId('file-input').setInputFiles([
      await pdfFile('Quarterly financial statements and auditor remarks 2025 (final, signed).pdf', 'The quarterly statements.'),
      { name: 'broken.pdf', mimeType: 'application/pdf', buffer: Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2048, 7)]) },
    ]);
    await page.locator('[data-testid="document-row"][data-status="failed"]').waitFor({ timeout: 60_000 });
    await page.locator('[data-testid="document-row"][data-status="ready"]', { hasText: 'Quarterly' }).waitFor({ timeout: 60_000 });
    const layout = await tableLayout(page);
    await d.screenshot(page, 'documents-1366');
    assert.equal(await horizontalOverflow(page), 0, 'the documents page scrolls sideways at 1366 px');
    assert.ok(layout.tableRight <= layout.wrapRight + 0.5, `the table is wider than its box: ${JSON.stringify(layout)}`);
    assert.ok(layout.deleteRight <= layout.wrapRight + 0.5, `a Delete button is clipped: ${JSON.stringify(layout)}`);
    assert.deepEqual(layout.wrappedSizes, [], 'sizes wrap onto two lines');
    await page.context().close();

    const phone = await d.newPage(PHONE);
    await signIn(phone, d);
    await phone.locator('[data-testid="document-row"][data-status="failed"]').waitFor();
    assert.equal(await horizontalOverflow(phone), 0, 'the documents page scrolls sideways at 390 px');
    await d.screenshot(phone, 'documents-390');
    await phone.context().close();
    assert.deepEqual(d.pageErrors, []);
  });
});
