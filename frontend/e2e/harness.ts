import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { debianFile } from '../../backend/test/support/fixtures.ts';
import { startStack, type TestStack } from '../../backend/test/support/stack.ts';
import { buildApp, FRONTEND_DIR } from './build.ts';

/** An account the tests sign in with. */
export interface Account {
  email: string;
  password: string;
}
export const SCREENSHOT_DIR = path.join(FRONTEND_DIR, 'e2e', 'screenshots');

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--host-resolver-rules=MAP localhost 127.0.0.1'];

export interface Dashboard {
  stack: TestStack;
  /** Where the browser opens the app (`localhost`, so the Secure refresh cookie is kept over http). */
  url: string;
  /** The admin the stack created and signed in. */
  admin: Account;
  browser: Browser;
  /** Uncaught errors and CSP violations of every page opened: a broken page shows up here. */
  pageErrors: string[];
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  screenshot(page: Page, name: string): Promise<string>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * The real stack (api + worker on real Redis and Chroma, Ollama emulator) serving the built app
 * from dist/, and a headless Chromium.
 */
export async function startDashboard(): Promise<Dashboard> {
  const dist = await buildApp();
  const apiPort = await freePort();
  const origins = [`http://localhost:${apiPort}`, `http://127.0.0.1:${apiPort}`].join(',');
  const stack = await startStack({
    env: { PORT: String(apiPort), WEB_DIR: dist, ALLOWED_ORIGINS: origins, GRAFANA_URL: 'http://grafana.internal.example:3000/d/rag' },
  });
  // The API serves the built app itself (as in the one-command start): the tests go through it.
  const index = await fetch(`${stack.baseUrl}/documents`, { headers: { Accept: 'text/html' } });
  if (!(await index.text()).includes('id="root"')) {
    await stack.close();
    throw new Error(`the API does not serve ${dist} (WEB_DIR): GET /documents answered ${index.status} without the app`);
  }
  const url = `http://localhost:${apiPort}`;
  const browser = await chromium.launch({ executablePath: debianFile('/usr/bin/chromium', 'chromium'), headless: true, args: CHROMIUM_ARGS });
  const pageErrors: string[] = [];
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });

  return {
    stack,
    url,
    admin: stack.admin!,
    browser,
    pageErrors,
    async newPage(viewport = { width: 1440, height: 900 }) {
      const context = await browser.newContext({ viewport, baseURL: url, permissions: ['clipboard-read', 'clipboard-write'] });
      const page = await context.newPage();
      page.on('pageerror', (err) => pageErrors.push(err.message));
      // A CSP violation (inline style or script, a remote image or connection) is a defect too.
      page.on('console', (msg) => {
        if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(msg.text())) pageErrors.push(msg.text());
      });
      return page;
    },
    async screenshot(page, name) {
      const file = path.join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    async close() {
      await browser.close();
      await stack.close();
    },
  };
}

/** Signs in through the sign-in form. */
export async function signIn(page: Page, dashboard: Dashboard, user: Account = dashboard.admin): Promise<void> {
  await page.goto('/documents');
  await page.getByLabel('E-mail').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('banner').waitFor();
  await page.locator('#main').waitFor();
}
