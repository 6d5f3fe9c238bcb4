import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Page, Route } from 'playwright-core';
import type { ModelsDto } from '../../backend/src/contracts/admin.ts';
import type { ChatResponseDto } from '../../backend/src/contracts/chat.ts';
import { makePdf } from '../../backend/test/support/fixtures.ts';
import { upload } from '../../backend/test/support/stack.ts';
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

/** Asks a question through the API (not streamed) as the admin; the answer as the server stored it. */
async function askApi(d: Dashboard, question: string): Promise<ChatResponseDto> {
  const res = await d.stack.fetch('/api/v1/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question, stream: false }) });
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as ChatResponseDto;
}

/** The accessible name of the focused element, roughly: its aria-label or its text. */
function focusedName(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as unknown as { getAttribute(n: string): string | null; textContent: string | null } | null;
    return (el?.getAttribute('aria-label') ?? el?.textContent ?? '').trim();
  });
}

/** The admin's display name, as the users list has it. */
async function adminName(d: Dashboard): Promise<string> {
  const users = (await (await d.stack.fetch('/api/v1/admin/users?limit=200')).json()) as { items: { email: string; name: string }[] };
  return users.items.find((u) => u.email === d.admin.email)!.name;
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
    await page.locator('[data-testid="document-row"]').nth(4).waitFor();
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

  it('opens the chat with the question box focused, one tab stop for the conversation list, arrows inside it', async () => {
    // Five conversations to move through, over the five reports uploaded above.
    for (const n of ['one', 'two', 'three', 'four', 'five']) await askApi(d, `What does the ${n} report say?`);
    const page = await d.newPage(DESKTOP);
    await signIn(page, d);
    await page.goto('/chat');
    await page.getByRole('textbox', { name: 'Your question' }).waitFor();
    await page.waitForFunction(() => document.activeElement?.textContent !== undefined && (document.activeElement as unknown as { id: string }).id === 'question');
    const list = page.getByRole('navigation', { name: 'Conversations' });
    await list.getByRole('link').nth(4).waitFor();
    const stops = await list.evaluate((nav) => [...(nav as unknown as BrowserElement).querySelectorAll('.conversation-list a, .conversation-list button')].filter((e) => (e as unknown as { tabIndex: number }).tabIndex >= 0).length);
    assert.equal(stops, 1, 'the conversation list should be one tab stop');

    // From the question box backwards: one stop for the list, then the New button.
    await page.keyboard.press('Shift+Tab');
    const first = await focusedName(page);
    assert.match(first, /What does the five report say/);
    await page.keyboard.press('ArrowDown');
    assert.match(await focusedName(page), /What does the four report say/);
    await page.keyboard.press('ArrowRight');
    assert.match(await focusedName(page), /^Rename What does the four report say/);
    await page.keyboard.press('ArrowRight');
    assert.match(await focusedName(page), /^Delete What does the four report say/);
    await page.keyboard.press('End');
    assert.match(await focusedName(page), /What does the one report say/);
    await page.keyboard.press('Shift+Tab');
    assert.equal(await focusedName(page), 'New');
    // The list remembers where it was left: Tab comes back to that conversation, and again leaves it in one step.
    await page.keyboard.press('Tab');
    assert.match(await focusedName(page), /What does the one report say/);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/chat\/[0-9a-f-]{36}$/);
    await page.waitForFunction(() => (document.activeElement as unknown as { id: string } | null)?.id === 'question');
    await d.screenshot(page, 'chat-keyboard');
    await page.context().close();
    assert.deepEqual(d.pageErrors, []);
  });

  it('says "Ask in: All collections" for a new chat and an existing one, and numbers the citation chips by what is shown', async () => {
    // The model answers from the second source it is given, so it cites [2] and not [1]: the
    // dashboard must still number the chips it shows from 1.
    const res = await upload(d.stack, [
      { name: 'ferry.txt', bytes: 'The harbour ferry timetable lists departures for the island ferry. The ferry leaves the harbour. Ferry ferry harbour.' },
      { name: 'notes.txt', bytes: 'General notes about the weekly schedule of the office, the weekly meeting and the weekly plan of the team for the week.' },
    ]);
    for (const doc of res.body.documents!) await d.stack.waitForStatus(doc.id, ['ready']);
    d.stack.emulator.faults.citeSource = 2;
    let late: ChatResponseDto;
    try {
      late = await askApi(d, 'What is the weekly office plan for the ferry harbour?');
    } finally {
      d.stack.emulator.faults.citeSource = null;
    }
    assert.ok(late.citations.length > 0 && late.citations.every((c) => c.n > 1), `the answer cites ${late.citations.map((c) => c.n).join(', ') || 'nothing'}: the case is not exercised`);
    const cited = late.citations[0]!.filename;
    const modelNumbers = late.citations.map((c) => c.n);

    const page = await d.newPage(DESKTOP);
    await signIn(page, d);
    await page.goto('/chat');
    const picker = page.locator('.picker-button');
    assert.equal((await picker.textContent())?.trim(), 'Ask in: All collections');
    await page.goto(`/chat/${late.conversationId}`);
    const answer = page.locator('article[data-phase="done"]').last();
    await answer.waitFor();
    assert.equal((await picker.textContent())?.trim(), 'Ask in: All collections', 'the same scope reads differently once the conversation exists');
    const chips = await answer.locator('.markdown .cite-chip').allTextContents();
    assert.deepEqual(chips, modelNumbers.map((_, i) => String(i + 1)), `the model cited ${modelNumbers.join(', ')}`);
    assert.match((await answer.getByRole('list', { name: 'Cited sources' }).textContent()) ?? '', /^1/);
    await answer.getByRole('button', { name: 'Source 1' }).click();
    const panel = page.getByRole('complementary', { name: 'Source 1' });
    await panel.waitFor();
    await d.screenshot(page, 'chat-citation-numbers');
    // The original comes under its own name; a text file downloads rather than opening as a page.
    const [download] = await Promise.all([page.waitForEvent('download'), panel.getByRole('link', { name: `Open ${cited}`, exact: false }).click()]);
    assert.equal(download.suggestedFilename(), cited);
    await page.context().close();

    const phone = await d.newPage(PHONE);
    await signIn(phone, d);
    await phone.goto(`/chat/${late.conversationId}`);
    await phone.locator('article[data-phase="done"]').waitFor();
    assert.equal(await horizontalOverflow(phone), 0, 'the chat scrolls sideways at 390 px');
    assert.equal((await phone.locator('.picker-button').textContent())?.trim(), 'Ask in: All collections');
    await d.screenshot(phone, 'chat-390');
    await phone.context().close();
    assert.deepEqual(d.pageErrors, []);
  });

  it('shows the audit log and the status page in words, with names for ids, and filters the log by action, person and day', async () => {
    const page = await d.newPage(DESKTOP);
    await signIn(page, d);
    await page.goto('/admin/audit');
    const rows = page.getByTestId('audit-row');
    await rows.first().waitFor();
    const table = (await page.locator('.audit-table').textContent()) ?? '';
    assert.doesNotMatch(table, /auth\.sign_in|document\.uploaded|collectionId|sizeBytes|[{}"]/, 'code names or raw JSON in the audit log');
    assert.doesNotMatch(table, /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/, 'a UUID where a name should be');
    assert.match(table, /Signed in/);

    const filters = page.getByRole('form', { name: 'Filter the audit log' });
    await filters.getByLabel('Action').selectOption({ label: 'Uploaded document' });
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="audit-row"] th')].every((th) => th.textContent === 'Uploaded document'));
    const uploaded = page.getByTestId('audit-row').filter({ hasText: 'notes.txt' });
    assert.match((await uploaded.textContent()) ?? '', /Collection:\s*Default.*Size:\s*\d+ B/);
    await filters.getByLabel('Person').selectOption({ label: `${(await adminName(d))} (${d.admin.email})` });
    assert.ok((await rows.count()) > 0);
    for (const who of await page.locator('[data-testid="audit-row"] td[data-label="Who"]').allTextContents()) assert.equal(who, d.admin.email);
    await filters.getByLabel('To').fill('2020-01-01');
    await page.getByText('Nothing matches these filters.').waitFor();
    await filters.getByRole('button', { name: 'Clear filters' }).click();
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="audit-row"] th')].some((th) => th.textContent === 'Signed in'));
    await d.screenshot(page, 'admin-audit');

    await page.goto('/status');
    await page.getByTestId('dependency-ollama').getByText('Healthy', { exact: true }).waitFor();
    const status = (await page.locator('#main').textContent()) ?? '';
    assert.doesNotMatch(status, /freeBytes|totalBytes|chatModel|embedModel|\bdelayed\b/);
    assert.match(status, /Chat model.*Embedding model/);
    assert.match(status, /Free space/);
    await d.screenshot(page, 'status');
    await page.context().close();

    const phone = await d.newPage(PHONE);
    await signIn(phone, d);
    await phone.goto('/admin/audit');
    await phone.getByTestId('audit-row').first().waitFor();
    assert.equal(await horizontalOverflow(phone), 0, 'the audit log scrolls sideways at 390 px');
    await d.screenshot(phone, 'admin-audit-390');
    await phone.context().close();
    assert.deepEqual(d.pageErrors, []);
  });

  it('offers only embedding models for embeddings and only chat models for answers', async () => {
    const { models } = (await (await d.stack.fetch('/api/v1/admin/models')).json()) as ModelsDto;
    const chat = models.filter((m) => m.capabilities?.includes('completion')).map((m) => m.name);
    const embedding = models.filter((m) => m.capabilities?.includes('embedding')).map((m) => m.name);
    assert.ok(chat.length > 0 && embedding.length > 0, JSON.stringify(models));
    const page = await d.newPage(DESKTOP);
    await signIn(page, d);
    await page.goto('/admin/settings');
    const full = (name: string) => (name.includes(':') ? name : `${name}:latest`);
    const options = async (label: string) =>
      (await page.getByLabel(label, { exact: true }).locator('option').evaluateAll((list) => list.map((o) => (o as unknown as { value: string }).value))).map(full);
    await page.getByLabel('Chat model', { exact: true }).locator('option').first().waitFor({ state: 'attached' });
    assert.deepEqual((await options('Chat model')).sort(), chat.map(full).sort());
    assert.deepEqual((await options('Embedding model')).sort(), embedding.map(full).sort());
    await d.screenshot(page, 'admin-settings-models');
    await page.context().close();
    assert.deepEqual(d.pageErrors, []);
  });

  it('logs no error on a signed-out first load, and a reload keeps a signed-in person signed in', async () => {
    const page = await d.newPage(DESKTOP);
    const consoleErrors: string[] = [];
    const failed: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(msg.text());
    });
    page.on('response', (res) => {
      if (res.status() >= 400) failed.push(`${res.request().method()} ${new URL(res.url()).pathname} ${res.status()}`);
    });
    await page.goto('/documents');
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    assert.deepEqual(consoleErrors, [], 'a signed-out first load logged errors');
    assert.deepEqual(failed, []);

    await signIn(page, d);
    await page.reload();
    await page.getByRole('banner').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Sign in' }).count(), 0, 'the reload lost the session');
    await page.context().close();
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(failed, []);
    assert.deepEqual(d.pageErrors, []);
  });

  it('opens a document page: details, history, chunks with pages, the original at a page, re-process and delete', async () => {
    const res = await upload(d.stack, [{ name: 'atlas.pdf', bytes: await makePdf([`Harbour charts. ${FILLER}`, `Glacier maps. ${FILLER}`, `Volcano surveys. ${FILLER}`]) }]);
    const { id } = await d.stack.waitForStatus(res.body.documents![0]!.id, ['ready']);
    const page = await d.newPage(DESKTOP);
    await signIn(page, d);
    await page.getByRole('link', { name: 'atlas.pdf' }).click();
    await page.waitForURL(new RegExp(`/documents/${id}$`));
    await page.getByRole('heading', { name: 'atlas.pdf', level: 1 }).waitFor();
    const details = (await page.locator('.document-meta').textContent()) ?? '';
    assert.match(details, /Pages3/);
    assert.match((await page.locator('.document-history').textContent()) ?? '', /Uploaded by .*Ready to be asked/);
    const chunk = page.getByTestId('chunk').filter({ hasText: 'Glacier maps' }).first();
    await chunk.waitFor();
    assert.match((await chunk.locator('.chunk-head').textContent()) ?? '', /page 2/);
    const [tab] = await Promise.all([page.context().waitForEvent('page'), chunk.getByRole('button', { name: 'Open at page 2' }).click()]);
    await tab.waitForURL(/\/file\/atlas\.pdf\?.*#page=2$/);
    await tab.close();
    assert.equal(await horizontalOverflow(page), 0);
    await d.screenshot(page, 'document-page');

    const readyBefore = (await (await d.stack.fetch(`/api/v1/documents/${id}`)).json()) as { readyAt: string };
    await page.getByRole('button', { name: 'Re-process' }).click();
    await page.getByText('Processing atlas.pdf again.').waitFor();
    await page.waitForFunction(() => /^Ready/.test(document.querySelector('.document-page .processing-ready .processing-text')?.textContent ?? ''), undefined, { timeout: 60_000 });
    const readyAfter = (await (await d.stack.fetch(`/api/v1/documents/${id}`)).json()) as { readyAt: string };
    assert.ok(readyAfter.readyAt > readyBefore.readyAt, 'the document was not processed again');

    const phone = await d.newPage(PHONE);
    await signIn(phone, d);
    await phone.goto(`/documents/${id}`);
    await phone.getByTestId('chunk').first().waitFor();
    assert.equal(await horizontalOverflow(phone), 0, 'the document page scrolls sideways at 390 px');
    await d.screenshot(phone, 'document-page-390');
    await phone.context().close();

    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog', { name: 'Delete this document?' }).getByRole('button', { name: 'Delete' }).click();
    await page.waitForURL(/\/documents$/);
    await page.getByText('Deleted atlas.pdf.').waitFor();
    assert.equal((await d.stack.fetch(`/api/v1/documents/${id}`)).status, 404);
    await page.context().close();
    assert.deepEqual(d.pageErrors, []);
  });

  it('regenerates an answer, edits and resends a question, and copies and exports the conversation as Markdown', async () => {
    const first = await askApi(d, 'How long does the harbour ferry take?');
    const page = await d.newPage(DESKTOP);
    await signIn(page, d);
    await page.goto(`/chat/${first.conversationId}`);
    const answers = page.locator('article[data-testid="assistant-message"][data-phase="done"]');
    await answers.first().waitFor();
    await page.getByRole('button', { name: 'Regenerate' }).click();
    await page.waitForFunction(() => document.querySelectorAll('article[data-testid="assistant-message"][data-phase="done"]').length === 2, undefined, { timeout: 30_000 });

    await page.getByRole('button', { name: /^Edit and ask again: How long does the harbour ferry take/ }).first().click();
    const box = page.getByRole('textbox', { name: 'Your question' });
    assert.equal(await box.inputValue(), 'How long does the harbour ferry take?');
    assert.equal(await page.evaluate(() => (document.activeElement as unknown as { id: string }).id), 'question');
    await box.fill('How often does the island ferry leave the harbour?');
    await box.press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('article[data-testid="assistant-message"][data-phase="done"]').length === 3, undefined, { timeout: 30_000 });
    const stored = (await (await d.stack.fetch(`/api/v1/conversations/${first.conversationId}`)).json()) as { messages: { role: string; content: string }[] };
    assert.deepEqual(
      stored.messages.filter((m) => m.role === 'user').map((m) => m.content),
      ['How long does the harbour ferry take?', 'How long does the harbour ferry take?', 'How often does the island ferry leave the harbour?'],
    );

    await page.getByRole('toolbar', { name: 'Conversation' }).waitFor();
    await page.getByRole('button', { name: 'Copy as Markdown' }).click();
    await page.getByText('Conversation copied as Markdown.').waitFor();
    const copied = await page.evaluate(() => (navigator as unknown as { clipboard: { readText(): Promise<string> } }).clipboard.readText());
    assert.match(copied, /^# .+\n\n\*\*Question:\*\* How long does the harbour ferry take\?\n/);
    assert.equal(copied.match(/\*\*Answer:\*\*/g)?.length, 3);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export .md' }).click()]);
    assert.match(download.suggestedFilename(), /\.md$/);
    const exported = await fs.promises.readFile((await download.path())!, 'utf8');
    assert.equal(exported, copied);
    await d.screenshot(page, 'chat-regenerate-export');
    await page.context().close();
    assert.deepEqual(d.pageErrors, []);
  });

  it('takes a thumbs down with a comment on an answer, keeps it, and shows it to admins', async () => {
    const asked = await askApi(d, 'When does the island ferry leave the harbour?');
    const page = await d.newPage(DESKTOP);
    await signIn(page, d);
    await page.goto(`/chat/${asked.conversationId}`);
    const answer = page.locator('article[data-phase="done"]').last();
    await answer.getByRole('button', { name: 'Bad answer' }).click();
    await answer.getByText('Thank you: your rating is saved.').waitFor();
    await answer.getByLabel('What was wrong? (optional)').fill('It left out the Sunday timetable.');
    await answer.getByRole('button', { name: 'Save comment' }).click();
    await answer.getByText('Thank you: your rating and comment are saved.').waitFor();
    await d.screenshot(page, 'chat-feedback');
    await page.reload();
    await page.locator('article[data-phase="done"]').last().getByRole('button', { name: 'Bad answer', pressed: true }).waitFor();

    await page.goto('/admin/feedback');
    const row = page.getByTestId('feedback-row').filter({ hasText: 'It left out the Sunday timetable.' });
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /Bad.*It left out the Sunday timetable\..*When does the island ferry leave the harbour\?/);
    await d.screenshot(page, 'admin-feedback');
    await page.context().close();

    const phone = await d.newPage(PHONE);
    await signIn(phone, d);
    await phone.goto('/admin/feedback');
    await phone.getByTestId('feedback-row').first().waitFor();
    assert.equal(await horizontalOverflow(phone), 0, 'the feedback list scrolls sideways at 390 px');
    await phone.context().close();
    assert.deepEqual(d.pageErrors, []);
  });

  it('follows the system in dark mode, and the switch overrides it and is remembered', async () => {
    const page = await d.newPage(DESKTOP);
    await page.emulateMedia({ colorScheme: 'dark' });
    await signIn(page, d);
    const theme = () => page.evaluate(() => (document.documentElement as unknown as { dataset: { theme?: string } }).dataset.theme);
    const background = () => page.evaluate(() => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(document.body).backgroundColor);
    assert.equal(await theme(), 'dark');
    assert.equal(await background(), 'rgb(15, 20, 26)');
    await page.locator('[data-testid="document-row"]').first().waitFor();
    await d.screenshot(page, 'documents-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.waitForFunction(() => (document.documentElement as unknown as { dataset: { theme?: string } }).dataset.theme === 'light');

    await page.locator('.account-button').click();
    await page.getByLabel('Theme').selectOption('dark');
    assert.equal(await theme(), 'dark', 'the switch does not override the system');
    await page.reload();
    await page.getByRole('banner').waitFor();
    assert.equal(await theme(), 'dark', 'the choice was not remembered');
    await page.goto('/chat');
    await page.getByRole('textbox', { name: 'Your question' }).waitFor();
    await d.screenshot(page, 'chat-dark');
    await page.locator('.account-button').click();
    await page.getByLabel('Theme').selectOption('system');
    assert.equal(await theme(), 'light');
    await page.context().close();

    const phone = await d.newPage(PHONE);
    await phone.emulateMedia({ colorScheme: 'dark' });
    await signIn(phone, d);
    await phone.locator('[data-testid="document-row"]').first().waitFor();
    assert.equal(await horizontalOverflow(phone), 0);
    await d.screenshot(phone, 'documents-dark-390');
    await phone.context().close();
    assert.deepEqual(d.pageErrors, []);
  });
});
