import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { createAuditRepository } from '../audit/audit.repository.ts';
import { createAuditLog } from '../audit/audit.service.ts';
import { createRefreshTokensRepository } from '../auth/refresh-tokens.repository.ts';
import { openDatabase } from '../clients/db.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { bootstrapAdmin } from '../users/bootstrap-admin.ts';
import { createUsersRepository } from '../users/users.repository.ts';
import { createUsersService } from '../users/users.service.ts';

const CLI = fileURLToPath(new URL('./create-admin.ts', import.meta.url));
const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rag-admin-test-'));
  dirs.push(dir);
  return dir;
};
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function run(dataDir: string, args: string[], stdin = '') {
  const res = spawnSync(process.execPath, [CLI, ...args], { input: stdin, env: { DATA_DIR: dataDir, LOG_LEVEL: 'silent' }, encoding: 'utf8', timeout: 30_000 });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

function usersOf(dataDir: string) {
  const db = openDatabase(path.join(dataDir, 'app.db'));
  try {
    return db.prepare('SELECT email, role, password_hash FROM users').all() as { email: string; role: string; password_hash: string }[];
  } finally {
    db.close();
  }
}

describe('create-admin command', () => {
  it('creates an admin from a password piped on stdin, once', () => {
    const dir = tempDir();
    const first = run(dir, ['--email', 'Root@Example.org', '--name', 'Root'], 'a long admin passphrase\n');
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /created admin root@example\.org/);
    const users = usersOf(dir);
    assert.deepEqual(users.map((u) => [u.email, u.role]), [['root@example.org', 'admin']]);
    assert.match(users[0]!.password_hash, /^\$argon2id\$/);
    assert.ok(!first.stdout.includes('passphrase'));

    const again = run(dir, ['--email', 'root@example.org', '--name', 'Root'], 'a long admin passphrase\n');
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already exists/);
    assert.equal(usersOf(dir).length, 1);
  });

  it('reads the password from --password-file', () => {
    const dir = tempDir();
    const file = path.join(dir, 'pw');
    fs.writeFileSync(file, 'file based passphrase\n', { mode: 0o600 });
    assert.equal(run(dir, ['--email', 'a@example.org', '--name', 'A', '--password-file', file]).code, 0);
    assert.equal(usersOf(dir).length, 1);
  });

  it('refuses a short password and creates nobody', () => {
    const dir = tempDir();
    const res = run(dir, ['--email', 'a@example.org', '--name', 'A'], 'short\n');
    assert.equal(res.code, 2);
    assert.match(res.stderr, /at least 12 characters/);
    assert.ok(!fs.existsSync(path.join(dir, 'app.db')) || usersOf(dir).length === 0);
  });

  it('refuses missing or unknown arguments with the usage', () => {
    const dir = tempDir();
    assert.equal(run(dir, ['--name', 'A'], 'a long admin passphrase').code, 2);
    const unknown = run(dir, ['--email', 'a@example.org', '--name', 'A', '--role', 'viewer'], 'a long admin passphrase');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Creates an admin account/);
  });
});

describe('bootstrapAdmin', () => {
  const setup = (env: Record<string, string>) => {
    const config = loadConfig({ DATA_DIR: tempDir(), LOG_LEVEL: 'silent', ...env });
    const db = openDatabase(config.paths.database);
    const audit = createAuditLog({ repository: createAuditRepository(db), logger: createLogger(config) });
    const users = createUsersService({ db, users: createUsersRepository(db), refreshTokens: createRefreshTokensRepository(db), audit });
    return { config, db, users };
  };
  const vars = { BOOTSTRAP_ADMIN_EMAIL: 'boot@example.org', BOOTSTRAP_ADMIN_PASSWORD: 'bootstrap passphrase' };

  it('creates the admin when there are no users, and only then', async () => {
    const { config, db, users } = setup(vars);
    assert.equal(await bootstrapAdmin(config, users), 'created');
    assert.equal(users.list(10, 0).items[0]!.role, 'admin');
    assert.equal(await bootstrapAdmin({ auth: { ...config.auth, bootstrapAdmin: { ...config.auth.bootstrapAdmin, email: 'second@example.org' } } }, users), 'users_exist');
    assert.equal(users.count(), 1);
    assert.ok(await users.verifyCredentials('boot@example.org', 'bootstrap passphrase'));
    db.close();
  });

  it('does nothing when users exist already', async () => {
    const { config, db, users } = setup(vars);
    await users.create({ email: 'someone@example.org', name: 'S', role: 'viewer', password: 'someone passphrase' }, { actor: null, ip: null });
    assert.equal(await bootstrapAdmin(config, users), 'users_exist');
    assert.equal(await users.verifyCredentials('boot@example.org', 'bootstrap passphrase'), null);
    db.close();
  });

  it('does nothing without the variables, and refuses one without the other', async () => {
    const none = setup({});
    assert.equal(await bootstrapAdmin(none.config, none.users), 'not_configured');
    assert.equal(none.users.count(), 0);
    none.db.close();
    const half = setup({ BOOTSTRAP_ADMIN_EMAIL: 'boot@example.org' });
    await assert.rejects(bootstrapAdmin(half.config, half.users), (err: Error) => err instanceof ConfigError && /BOOTSTRAP_ADMIN_PASSWORD/.test(err.message));
    half.db.close();
  });
});
