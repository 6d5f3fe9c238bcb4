import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { upload } from '../../backend/test/support/stack.ts';
import { startDashboard, type Dashboard } from './harness.ts';

describe('accounts and roles in a real browser', () => {
  let d: Dashboard;

  before(async () => {
    d = await startDashboard();
  });
  after(async () => {
    await d?.close();
  });

  it('signs in with e-mail and password, and signs out again', async () => {
    const page = await d.newPage();
    await page.goto('/documents');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor({ timeout: 10_000 });
    await d.screenshot(page, 'sign-in');
    await page.getByLabel('E-mail').fill(d.admin.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'do not match' }).waitFor();
    await page.getByLabel('Password').fill(d.admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).waitFor();
    await page.locator('.account-button').click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.context().close();
    assert.deepEqual(d.pageErrors, []);
  });

  it('keeps a viewer to chat: no upload, delete or admin control', async () => {
    const viewer = await d.stack.createUser('viewer');
    const uploaded = await upload(d.stack, [{ name: 'handbook.txt', bytes: 'Staff may work from home on Fridays.\n' }]);
    assert.equal(uploaded.status, 202, JSON.stringify(uploaded.body));
    const page = await d.newPage();
    await page.goto('/documents');
    await page.getByLabel('E-mail').fill(viewer.email);
    await page.getByLabel('Password').fill(viewer.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Chat' }).waitFor();
    await page.getByTestId('document-row').filter({ hasText: 'handbook.txt' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Choose files' }).count(), 0);
    assert.equal(await page.getByTestId('file-input').count(), 0);
    assert.equal(await page.getByTestId('dropzone').count(), 0);
    assert.equal(await page.getByRole('button', { name: /^(Delete|Retry)/ }).count(), 0);
    assert.equal(await page.getByRole('checkbox').count(), 0);
    assert.equal(await nav.getByRole('link', { name: 'Admin' }).count(), 0);
    await d.screenshot(page, 'viewer-documents');
    await page.context().close();
    assert.deepEqual(d.pageErrors, []);
  });

  it('returns to sign-in when the session ends, keeping the typed question', async () => {
    const page = await d.newPage();
    await page.goto('/chat');
    await page.getByLabel('E-mail').fill(d.admin.email);
    await page.getByLabel('Password').fill(d.admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const question = page.getByRole('textbox', { name: 'Your question' });
    await question.fill('Where may staff work on Fridays?');

    // The session ends elsewhere (signed out in another tab): the refresh cookie's family is revoked.
    const cookie = (await page.context().cookies()).find((c) => c.name === 'rag_refresh');
    assert.ok(cookie, 'no refresh cookie was set');
    const res = await fetch(`${d.stack.baseUrl}/api/v1/auth/logout`, { method: 'POST', headers: { Cookie: `rag_refresh=${cookie.value}` } });
    assert.equal(res.status, 204);

    await question.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Your session has expired' });
    await dialog.waitFor();
    await d.screenshot(page, 'session-expired');
    await dialog.getByLabel('Password').fill(d.admin.password);
    await dialog.getByRole('button', { name: 'Sign in', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await question.inputValue(), 'Where may staff work on Fridays?');
    await question.press('Enter');
    await page.locator('[data-testid="assistant-message"][data-phase="done"]').waitFor();
    await page.context().close();
    assert.deepEqual(d.pageErrors, []);
  });
});
