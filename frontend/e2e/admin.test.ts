import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { SettingsDto } from '../../backend/src/contracts/admin.ts';
import type { UserDto } from '../../backend/src/contracts/auth.ts';
import { signIn, startDashboard, type Dashboard } from './harness.ts';
import { horizontalOverflow } from './page-helpers.ts';

describe('administration in a real browser', () => {
  let d: Dashboard;
  let page: Page;

  before(async () => {
    d = await startDashboard();
    page = await d.newPage();
    await signIn(page, d);
  });
  after(async () => {
    await d?.close();
  });

  it('creates a user and changes their role', async () => {
    await page.goto('/admin/users');
    const form = page.getByRole('form', { name: 'Add a user' });
    await form.getByLabel('Name').fill('Erin Editor');
    await form.getByLabel('E-mail').fill('erin@example.org');
    await form.getByLabel('Initial password').fill('short');
    await form.getByRole('button', { name: 'Create user' }).click();
    await form.getByText('Password must have at least 12 characters').waitFor();
    await form.getByLabel('Initial password').fill('a-long-enough-password');
    await form.getByRole('button', { name: 'Create user' }).click();
    const role = page.getByLabel('Role of erin@example.org');
    await role.waitFor();
    await role.selectOption('editor');
    await page.getByText('erin@example.org is now editor.').waitFor();
    const users = (await (await d.stack.fetch('/api/v1/admin/users')).json()) as { items: UserDto[] };
    assert.equal(users.items.find((u) => u.email === 'erin@example.org')?.role, 'editor');
    await d.screenshot(page, 'admin-users');
    assert.deepEqual(d.pageErrors, []);
  });

  it('unlocks an account that wrong passwords locked, and the unlock is in the audit log', async () => {
    const user = await d.stack.createUser('viewer');
    const signInAs = (password: string) =>
      d.stack.fetch('/api/v1/auth/login', { method: 'POST', token: '', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: user.email, password }) });
    let status = 0;
    for (let i = 0; i < 10 && status !== 429; i++) status = (await signInAs('not the password')).status;
    assert.equal(status, 429, 'the account did not lock');
    assert.equal((await signInAs(user.password)).status, 429);

    await page.goto('/admin/users');
    await page.getByRole('button', { name: `Unlock sign-in of ${user.email}` }).click();
    await page.getByText(`${user.email} can sign in again.`).waitFor();
    assert.equal((await signInAs(user.password)).status, 200, 'still locked after the unlock');
    const audit = (await (await d.stack.fetch('/api/v1/admin/audit?limit=50')).json()) as { items: { action: string; target: string | null; actorEmail: string | null }[] };
    const unlocked = audit.items.find((e) => e.action === 'user.unlocked' && e.target === user.id);
    assert.equal(unlocked?.actorEmail, d.admin.email);
    assert.ok(audit.items.some((e) => e.action === 'auth.locked_out' && e.target === user.id), 'the lockout is not in the audit log');
    assert.deepEqual(d.pageErrors, []);
  });

  it('creates an API key, shows its secret once, and the key works', async () => {
    await page.goto('/admin/api-keys');
    const form = page.getByRole('form', { name: 'Create a key' });
    await form.getByLabel('Name').fill('intranet search');
    await form.getByRole('button', { name: 'Create key' }).click();
    const secret = (await page.getByTestId('api-key-secret').textContent())?.trim() ?? '';
    assert.ok(secret.length >= 20, `no secret shown: "${secret}"`);
    await d.screenshot(page, 'admin-api-key-secret');
    await page.getByRole('button', { name: 'I have stored it' }).click();
    await page.getByRole('row', { name: /intranet search/ }).waitFor();
    assert.equal(await page.getByText(secret).count(), 0, 'the secret is still on the page');
    const res = await d.stack.fetch('/api/v1/conversations', { token: secret });
    assert.equal(res.status, 200, 'the new key is refused');
    assert.deepEqual(d.pageErrors, []);
  });

  it('validates settings with the shared schema, then saves only what changed', async () => {
    await page.goto('/admin/settings');
    const overlap = page.getByLabel('Chunk overlap (characters)');
    await overlap.waitFor();
    const size = Number(await page.getByLabel('Chunk size (characters)').inputValue());
    await overlap.fill(String(size + 10));
    await page.getByLabel('Sources per answer (top-k)').fill('0');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Must be at least 1.').waitFor();
    await page.getByText('Overlap must be smaller than the chunk size.').waitFor();
    assert.equal(await page.getByLabel('Sources per answer (top-k)').getAttribute('aria-invalid'), 'true');
    await d.screenshot(page, 'admin-settings-invalid');
    await page.getByLabel('Sources per answer (top-k)').fill('7');
    await overlap.fill(String(Math.floor(size / 10)));
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Settings saved.').waitFor();
    const saved = (await (await d.stack.fetch('/api/v1/admin/settings')).json()) as SettingsDto;
    assert.equal(saved.topK, 7);
    assert.equal(saved.chunkOverlap, Math.floor(size / 10));
    await page.getByRole('button', { name: 'Re-index all documents' }).waitFor();
    assert.deepEqual(d.pageErrors, []);
  });

  it('creates a members-only collection and chooses its members', async () => {
    await page.goto('/admin/collections');
    await page.getByLabel('Name').first().fill('Legal');
    await page.getByLabel('Readable by').first().selectOption('members');
    await page.getByRole('button', { name: 'Create collection' }).click();
    await page.getByRole('button', { name: 'Members of Legal' }).click();
    const dialog = page.getByRole('dialog', { name: 'Members of Legal' });
    await dialog.getByRole('checkbox').first().check();
    await dialog.getByRole('button', { name: 'Save members' }).click();
    await page.getByRole('row', { name: /Legal.*1 member/ }).waitFor();
    await d.screenshot(page, 'admin-collections');
    assert.deepEqual(d.pageErrors, []);
  });

  it('lists what happened in the audit log', async () => {
    await page.goto('/admin/audit');
    await page.getByRole('row').filter({ hasText: 'intranet search' }).first().waitFor();
    await d.screenshot(page, 'admin-audit');
    assert.deepEqual(d.pageErrors, []);
  });

  it('shows each dependency with its latency, the queue and the Grafana link', async () => {
    await page.goto('/status');
    for (const name of ['ollama', 'chroma', 'redis', 'sqlite', 'storage']) {
      await page.getByTestId(`dependency-${name}`).getByText('Healthy', { exact: true }).waitFor();
    }
    await page.getByRole('heading', { name: 'Ingest queue' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'Open Grafana' }).getAttribute('href'), 'http://grafana.internal.example:3000/d/rag');
    await d.screenshot(page, 'status');
    await d.stack.emulator.down();
    try {
      await page.getByRole('button', { name: 'Check now' }).click();
      await page.getByTestId('dependency-ollama').getByText('Unreachable', { exact: true }).waitFor();
      await d.screenshot(page, 'status-ollama-down');
    } finally {
      await d.stack.emulator.up();
    }
    assert.deepEqual(d.pageErrors, []);
  });

  it('fits the admin and status pages into 360 px', async () => {
    const phone = await d.newPage({ width: 360, height: 780 });
    await signIn(phone, d);
    for (const [path, ready] of [['/admin/users', 'Users and roles'], ['/admin/settings', 'Settings'], ['/status', 'System status']] as const) {
      await phone.goto(path);
      await phone.getByRole('heading', { name: ready, exact: true }).waitFor();
      await phone.locator('.page-loading').waitFor({ state: 'detached' });
      assert.equal(await horizontalOverflow(phone), 0, `${path} scrolls sideways at 360 px`);
      await d.screenshot(phone, `${path.slice(1).replace('/', '-')}-360`);
    }
    await phone.context().close();
    assert.deepEqual(d.pageErrors, []);
  });
});
