import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { upload } from '../../backend/test/support/stack.ts';
import { signIn, startDashboard, type Dashboard } from './harness.ts';

const DESKTOP = { width: 1366, height: 900 };

describe('asking one document from its page, in a real browser', () => {
  let d: Dashboard;

  before(async () => {
    d = await startDashboard();
  });
  after(async () => {
    await d?.close();
  });

  it('"Ask this document" limits the question to that document, and the answer says what was searched', async () => {
    // Both documents answer the question; only the one asked may be cited.
    const res = await upload(d.stack, [
      { name: 'north-plant.txt', bytes: 'North plant: the cooling pump is inspected every month by the day shift.' },
      { name: 'south-plant.txt', bytes: 'South plant: the cooling pump is inspected every week by the night shift.' },
    ]);
    const [north, south] = res.body.documents!;
    for (const doc of [north!, south!]) await d.stack.waitForStatus(doc.id, ['ready']);

    const page = await d.newPage(DESKTOP);
    await signIn(page, d);
    await page.goto(`/documents/${north!.id}`);
    await page.getByRole('button', { name: 'Ask this document' }).click();
    await page.waitForURL(/\/chat$/);
    const scope = page.getByTestId('document-scope');
    await scope.waitFor();
    assert.match((await scope.textContent()) ?? '', /Ask only: north-plant\.txt/);

    await page.getByRole('textbox', { name: 'Your question' }).fill('How often is the cooling pump inspected?');
    // The stored conversation replaces the streamed answer once it is read again.
    const stored = page.waitForResponse((r) => /\/api\/v1\/conversations\/[0-9a-f-]{36}$/.test(r.url()) && r.request().method() === 'GET');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/chat\/[0-9a-f-]{36}$/);
    const answer = page.locator('article[data-testid="assistant-message"][data-phase="done"]').last();
    await answer.waitFor({ timeout: 30_000 });
    await stored;
    await answer.locator('.message-searched').waitFor();
    assert.equal((await answer.locator('.message-searched').textContent())?.trim(), 'Searched: north-plant.txt');
    const cited = (await answer.getByRole('list', { name: 'Cited sources' }).textContent()) ?? '';
    assert.match(cited, /north-plant\.txt/);
    assert.doesNotMatch(cited, /south-plant\.txt/);
    await d.screenshot(page, 'chat-ask-document');

    // Clearing the limit gives the collection picker back.
    await page.getByRole('button', { name: 'Ask all documents again' }).click();
    await page.locator('.picker-button').waitFor();
    await page.context().close();
    assert.deepEqual(d.pageErrors, []);
  });
});
