import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { DocumentListDto } from '../../backend/src/contracts/documents.ts';
import { makeDocx, makePdf } from '../../backend/test/support/fixtures.ts';
import { signIn, startDashboard, type Dashboard } from './harness.ts';
import { clickToFeedback, dropFiles, horizontalOverflow, readTexts, recordFigure, recordTexts } from './page-helpers.ts';

const FILLER = 'This page describes general background that has nothing to do with the question at hand. '.repeat(6);
const KRAKATOA = 'The Krakatoa eruption of 1883 released energy equal to two hundred megatons.';
const GLACIER = 'The Vatnajokull glacier covers about eight percent of the land area of Iceland.';
const FOGHORN = 'The lighthouse keeper logbook records foghorn maintenance every Tuesday morning.';
const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

describe('the dashboard in a real browser, against the real stack', () => {
  let d: Dashboard;
  let page: Page;
  let conversationPath = '';

  before(async () => {
    d = await startDashboard();
    page = await d.newPage();
    await signIn(page, d);
  });
  after(async () => {
    await d?.close();
  });

  it('uploads two PDFs and a DOCX and shows each reach ready through live progress', async (t) => {
    d.stack.emulator.faults.latencyMs = 250; // slow enough embedding for the stages to be seen
    await recordTexts(page, '[data-testid="upload-row"]', '.processing-text');
    await page.getByTestId('file-input').setInputFiles([
      { name: 'volcanoes.pdf', mimeType: 'application/pdf', buffer: await makePdf([FILLER, `${FILLER}\n${KRAKATOA}\n${FILLER}`, FILLER]) },
      { name: 'glaciers.pdf', mimeType: 'application/pdf', buffer: await makePdf([`${GLACIER}\n${FILLER}`]) },
    ]);
    await dropFiles(page, '[data-testid="dropzone"]', [{ name: 'lighthouse.docx', mimeType: DOCX_TYPE, buffer: await makeDocx([{ heading: 'Logbook', text: `${FILLER}\n${FOGHORN}` }]) }]);
    // A picture of the live bars for the docs; the assertions below do not depend on catching it.
    await page
      .waitForFunction(() => [...document.querySelectorAll('.upload .processing-text')].filter((e) => /· \d+%/.test(e.textContent ?? '')).length >= 2, undefined, { timeout: 5_000 })
      .then(() => d.screenshot(page, 'documents-processing'))
      .catch(() => undefined);
    await page.waitForFunction(
      () => {
        const rows = [...document.querySelectorAll('[data-testid="upload-row"]')];
        return rows.length === 3 && rows.every((r) => /^Ready/.test(r.querySelector('.processing-ready .processing-text')?.textContent ?? ''));
      },
      undefined,
      { timeout: 90_000 },
    );
    d.stack.emulator.faults.latencyMs = 0;
    await d.screenshot(page, 'documents-uploaded');

    const seen = await readTexts(page);
    for (const name of ['volcanoes.pdf', 'glaciers.pdf', 'lighthouse.docx']) {
      const states = seen.filter((s) => s.startsWith(`${name}|`)).map((s) => s.slice(name.length + 1));
      assert.ok(states.some((s) => /^Uploading · \d+%/.test(s)), `${name} showed no upload progress: ${states.join(' → ')}`);
      assert.ok(states.some((s) => /^(Parsing|Chunking|Embedding|Indexing) · \d+%/.test(s)), `${name} showed no live processing stage: ${states.join(' → ')}`);
      assert.ok(states.some((s) => s.startsWith('Ready')), `${name} never showed ready`);
    }
    const measures = await page.evaluate(() => performance.getEntriesByType('measure').filter((m) => m.name.startsWith('upload-to-first-progress:')).map((m) => Math.round(m.duration)));
    t.diagnostic(`last byte uploaded -> first progress shown (ms): ${measures.join(', ')}`);
    recordFigure('uploadToFirstProgressMs', measures.join(', '));

    // The state survives a reload: read from the API, not from memory.
    await page.reload();
    await page.locator('[data-testid="document-row"][data-status="ready"]').nth(2).waitFor();
    assert.equal(await page.locator('[data-testid="document-row"]').count(), 3);
    assert.deepEqual(d.pageErrors, []);
  });

  it('streams an answer that cites the right document and page', async (t) => {
    d.stack.emulator.faults.tokenDelayMs = 40;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
    await page.getByRole('textbox', { name: 'Your question' }).fill('How much energy did the Krakatoa eruption release?');
    const feedbackMs = await clickToFeedback(page, 'form.composer button[type="submit"]', '[data-testid="assistant-message"]');
    t.diagnostic(`click Ask -> answer placeholder shown: ${feedbackMs} ms`);
    recordFigure('clickAskToFeedbackMs', feedbackMs);

    const answer = page.getByTestId('assistant-message').last();
    await page.waitForFunction(() => {
      const m = document.querySelector('[data-testid="assistant-message"][data-phase="streaming"] .markdown');
      return (m?.textContent ?? '').length > 0;
    });
    const partial = (await answer.locator('.markdown').textContent()) ?? '';
    await page.getByRole('button', { name: 'Stop' }).waitFor();
    await page.waitForSelector('[data-testid="assistant-message"][data-phase="done"]', { timeout: 30_000 });
    d.stack.emulator.faults.tokenDelayMs = 0;
    const full = (await answer.locator('.markdown').textContent()) ?? '';
    assert.ok(partial.length < full.length, `the answer did not grow while streaming: "${partial}" then "${full}"`);
    assert.match(full, /two hundred megatons/);
    await answer.getByRole('button', { name: /^Source \d+$/ }).first().waitFor();
    assert.match((await answer.getByRole('list', { name: 'Cited sources' }).textContent()) ?? '', /volcanoes\.pdf · p\. 2/);
    assert.match(page.url(), /\/chat\/[0-9a-f-]{36}$/);
    conversationPath = new URL(page.url()).pathname;
    await d.screenshot(page, 'chat-answer');
    assert.deepEqual(d.pageErrors, []);
  });

  it('opens a citation with the document, page, snippet and a link to the original page', async (t) => {
    const chip = 'article[data-phase="done"] button.cite-chip';
    const feedbackMs = await clickToFeedback(page, chip, '[data-testid="citation-panel"]');
    t.diagnostic(`click citation -> source panel shown: ${feedbackMs} ms`);
    recordFigure('clickCitationToPanelMs', feedbackMs);
    const panel = page.getByTestId('citation-panel');
    assert.match((await panel.textContent()) ?? '', /volcanoes\.pdf.*Page 2/);
    assert.match((await panel.locator('blockquote').textContent()) ?? '', /Krakatoa/);

    const list = (await (await d.stack.fetch('/api/v1/documents?limit=50')).json()) as DocumentListDto;
    const volcanoes = list.items.find((doc) => doc.filename === 'volcanoes.pdf')!;
    const link = panel.getByRole('link', { name: /^Open volcanoes\.pdf, page 2$/ });
    assert.equal(await link.getAttribute('href'), `/api/v1/documents/${volcanoes.id}/file#page=2`);
    const [tab] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
    await tab.waitForURL(/#page=2$/);
    // A real address that ends in the file's name (the tab is titled with it and saves under it), not a blob: UUID.
    assert.match(tab.url(), new RegExp(`/api/v1/documents/${volcanoes.id}/file/volcanoes\\.pdf\\?expires=\\d+&signature=[\\w-]+#page=2$`));
    await d.screenshot(page, 'chat-citation');
    await tab.close();
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    assert.deepEqual(d.pageErrors, []);
  });

  it('deletes a document after confirmation, and it stays gone after a reload', async (t) => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Documents' }).click();
    await page.getByRole('button', { name: 'Delete lighthouse.docx' }).waitFor();
    const feedbackMs = await clickToFeedback(page, 'button[aria-label="Delete lighthouse.docx"]', 'dialog[open]');
    t.diagnostic(`click Delete -> confirmation shown: ${feedbackMs} ms`);
    recordFigure('clickDeleteToDialogMs', feedbackMs);
    const dialog = page.getByRole('dialog', { name: 'Delete this document?' });
    await d.screenshot(page, 'documents-delete-confirm');
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('button', { name: 'Delete lighthouse.docx' }).waitFor({ state: 'detached' });
    await page.getByText('Deleted lighthouse.docx.').waitFor();
    await page.reload();
    await page.locator('[data-testid="document-row"]').nth(1).waitFor();
    assert.equal(await page.locator('[data-testid="document-row"]').count(), 2);
    assert.equal(await page.getByText('lighthouse.docx').count(), 0);
    assert.deepEqual(d.pageErrors, []);
  });

  it('is readable at 360 px: no sideways scrolling on documents and chat', async () => {
    const phone = await d.newPage({ width: 360, height: 780 });
    await signIn(phone, d);
    await phone.locator('[data-testid="document-row"]').first().waitFor();
    assert.equal(await horizontalOverflow(phone), 0, 'documents page scrolls sideways at 360 px');
    await d.screenshot(phone, 'documents-360');
    await phone.goto(conversationPath);
    await phone.locator('article[data-phase="done"]').waitFor();
    assert.equal(await horizontalOverflow(phone), 0, 'chat scrolls sideways at 360 px');
    await phone.locator('article[data-phase="done"] button.cite-chip').first().click();
    await phone.getByTestId('citation-panel').waitFor();
    await d.screenshot(phone, 'chat-citation-360');
    await phone.context().close();
    assert.deepEqual(d.pageErrors, []);
  });

  it('shows "Ollama is unreachable" instead of a broken page when Ollama is down', async () => {
    await d.stack.emulator.down();
    try {
      await page.goto('/chat');
      await page.getByRole('textbox', { name: 'Your question' }).fill('Which glacier covers a part of Iceland?');
      await page.getByRole('textbox', { name: 'Your question' }).press('Enter');
      await page.getByText('Ollama is unreachable').waitFor({ timeout: 30_000 });
      assert.equal(await page.getByRole('textbox', { name: 'Your question' }).inputValue(), 'Which glacier covers a part of Iceland?', 'the question was not given back');
      assert.ok(await page.getByRole('navigation', { name: 'Main' }).isVisible());
      await d.screenshot(page, 'chat-ollama-unreachable');
    } finally {
      await d.stack.emulator.up();
    }
    assert.deepEqual(d.pageErrors, []);
  });

  it('renames and deletes a conversation', async () => {
    await page.goto(conversationPath);
    const list = page.getByRole('navigation', { name: 'Conversations' });
    const current = list.locator('li.is-current');
    await current.getByRole('button', { name: /^Rename / }).click();
    const title = list.getByRole('textbox', { name: 'New title' });
    await title.fill('Krakatoa energy');
    await title.press('Enter');
    await list.getByRole('link', { name: /Krakatoa energy/ }).waitFor();
    await page.reload();
    await list.getByRole('link', { name: /Krakatoa energy/ }).waitFor();
    await current.getByRole('button', { name: 'Delete Krakatoa energy' }).click();
    await page.getByRole('dialog', { name: 'Delete this conversation?' }).getByRole('button', { name: 'Delete' }).click();
    await list.getByRole('link', { name: /Krakatoa energy/ }).waitFor({ state: 'detached' });
    await page.waitForURL(/\/chat$/);
    const res = await d.stack.fetch(`/api/v1${conversationPath.replace('/chat/', '/conversations/')}`);
    assert.equal(res.status, 404);
    assert.deepEqual(d.pageErrors, []);
  });
});
