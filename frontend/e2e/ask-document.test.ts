import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { upload } from '../../backend/test/support/stack.ts';
import { signIn, startDashboard, type Dashboard } from './harness.ts';
import { askAndReadBack, horizontalOverflow } from './page-helpers.ts';

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

    const answer = await askAndReadBack(page, 'How often is the cooling pump inspected?');
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
  it('"Limit to documents" picks two of three documents, and the answer searched exactly those two', async () => {
    const res = await upload(d.stack, [
      { name: 'east-depot.txt', bytes: 'East depot: the forklift battery is swapped every shift by the loader.' },
      { name: 'west-depot.txt', bytes: 'West depot: the forklift battery is swapped every day by the foreman.' },
      { name: 'main-depot.txt', bytes: 'Main depot: the forklift battery is swapped every week by the mechanic.' },
    ]);
    for (const doc of res.body.documents!) await d.stack.waitForStatus(doc.id, ['ready']);

    const page = await d.newPage({ width: 390, height: 844 });
    await signIn(page, d);
    await page.goto('/chat');
    // Keyboard only: open the list, filter it, tick a box with Space.
    await page.getByRole('button', { name: 'Limit to documents' }).focus();
    await page.keyboard.press('Enter');
    const menu = page.getByRole('group', { name: 'Documents to ask' });
    await menu.getByRole('checkbox', { name: 'east-depot.txt' }).waitFor();
    await page.keyboard.type('west');
    await menu.getByRole('checkbox', { name: 'east-depot.txt' }).waitFor({ state: 'detached' });
    await menu.getByRole('checkbox', { name: 'west-depot.txt' }).focus();
    await page.keyboard.press('Space');
    await menu.getByRole('searchbox', { name: 'Filter documents' }).fill('');
    await menu.getByRole('checkbox', { name: 'east-depot.txt' }).check();
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
    const chips = page.getByRole('list', { name: 'Documents asked' });
    assert.deepEqual(await chips.getByRole('listitem').allTextContents(), ['west-depot.txt×', 'east-depot.txt×']);
    // The chips fit a phone's width: nothing scrolls sideways.
    assert.equal(await horizontalOverflow(page), 0);

    const answer = await askAndReadBack(page, 'How often is the forklift battery swapped?');
    await answer.locator('.message-searched').waitFor();
    const searched = ((await answer.locator('.message-searched').textContent()) ?? '').trim();
    assert.match(searched, /^Searched: /);
    assert.deepEqual(searched.slice('Searched: '.length).split(', ').sort(), ['east-depot.txt', 'west-depot.txt']);
    await d.screenshot(page, 'chat-limit-to-documents-phone');
    await page.context().close();
    assert.deepEqual(d.pageErrors, []);
  });
});
