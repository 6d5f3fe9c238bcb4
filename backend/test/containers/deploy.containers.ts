/**
 * scripts/deploy-production.sh against the production stack in containers: a deploy of a new
 * version, a deploy of an image whose healthcheck fails (rolled back automatically), and
 * scripts/rollback.sh, each time with the documents, conversations and vectors intact; then the
 * pre-deploy backup restored with scripts/restore.sh --compose, and scripts/health-check.sh --compose.
 * Run by
 * scripts/test-containers.sh after production-stack.containers.ts, on the stack it left running.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe } from 'node:test';
import type { CreatedApiKeyDto, UserDto } from '../../src/contracts/auth.ts';
import type { DocumentDto } from '../../src/contracts/documents.ts';
import { startOllamaEmulator, type OllamaEmulator } from '../support/ollama-emulator.ts';
import {
  api, ask, container, createAdmin, env, podman, project, runWithInput, signIn as signInAs,
  snapshot, stepper, uploadFiles, waitHealthy, waitReady,
} from './stack.ts';

const root = path.resolve(import.meta.dirname, '../../..');
const tag = env('RAG_VERSION_TAG');
/** Names and texts unique to this run, so it can run again on the same stack. */
const runId = crypto.randomUUID().slice(0, 8);
const admin = { email: `deploy-${runId}@example.org`, password: `pw-${crypto.randomUUID()}` };
const signIn = () => signInAs(admin);
const step = stepper();
const work = mkdtempSync(path.join(tmpdir(), 'rag-deploy-'));
const history = path.join(work, 'deploy-history.log');
let smokeKey = '';
let preDeployBackup = '';
const backups = () => {
  try {
    return readdirSync(path.join(work, 'backups')).filter((n) => n.startsWith('rag-backup-'));
  } catch {
    return [];
  }
};

/** Runs an ops script the way an operator would, on the test's stack; returns its exit code, output and time. */
async function runScript(script: string, ...args: string[]) {
  const started = performance.now();
  const { code, out } = await runWithInput('bash', [path.join(root, 'scripts', script), ...args], '', {
    COMPOSE_FILE: env('RAG_COMPOSE_FILES'),
    COMPOSE_PROJECT_NAME: project,
    RAG_ENV_FILE: env('RAG_ENV_FILE'),
    DEPLOY_HISTORY: history,
    SMOKE_API_KEY: smokeKey,
  });
  return { code, out, seconds: (performance.now() - started) / 1000 };
}
const deployArgs = (version: string) => ['--version', version, '--skip-build', '--timeout', '300', '--min-free-gb', '1', '--backup-dir', path.join(work, 'backups')];

/** The last line of the deploy history, split into its fields (time, who, action, version, previous, outcome, took). */
function lastRecord(): string[] {
  const lines = readFileSync(history, 'utf8').trim().split('\n');
  return lines.at(-1)!.split('\t');
}

/** The version tag of the image the api container runs. */
async function runningVersion(): Promise<string> {
  const { stdout } = await podman('inspect', '--format', '{{.ImageName}}', container('api'));
  return stdout.trim().split(':').at(-1)!;
}

/** Seconds between two lines of the script's log, found by their text (its lines start with an ISO time). */
function secondsBetween(out: string, from: RegExp, to: RegExp): number {
  const at = (re: RegExp) => {
    const line = out.split('\n').find((l) => re.test(l));
    assert.ok(line, `no line matches ${re} in:\n${out}`);
    return Date.parse(line.split(' ')[0]!);
  };
  return (at(to) - at(from)) / 1000;
}

describe('deploying with scripts/deploy-production.sh', () => {
  let emulator: OllamaEmulator;
  let token = '';
  /** The data when the pre-deploy backup was taken, and the data now (the test's own questions add to it). */
  let atBackup: Awaited<ReturnType<typeof snapshot>>;
  let expected: Awaited<ReturnType<typeof snapshot>>;

  before(async () => {
    emulator = await startOllamaEmulator({ port: Number(env('RAG_EMULATOR_PORT')), host: '0.0.0.0' });
    // The "new version" is the same build under another tag; the broken one is that build with a
    // healthcheck that always fails, the way a bad release would.
    for (const image of ['backend', 'nginx']) {
      await podman('tag', `onprem-rag/${image}:${tag}`, `onprem-rag/${image}:${tag}-next`);
      await podman('tag', `onprem-rag/${image}:${tag}`, `onprem-rag/${image}:${tag}-broken`);
    }
    const context = path.join(work, 'broken');
    rmSync(context, { recursive: true, force: true });
    mkdirSync(context);
    writeFileSync(path.join(context, 'Containerfile'), `FROM onprem-rag/backend:${tag}\nUSER root\nRUN echo 'process.exit(1);' > backend/src/cli/healthcheck.ts\nUSER node\n`);
    await podman('build', '-q', '--format', 'docker', '-t', `onprem-rag/backend:${tag}-broken`, context);
  });
  after(async () => {
    await emulator?.close();
    await podman('rmi', ...['backend', 'nginx'].flatMap((i) => [`onprem-rag/${i}:${tag}-next`, `onprem-rag/${i}:${tag}-broken`])).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  });

  step('records the running version as the first deploy: pre-flight, healthchecks and the smoke test pass', async () => {
    await waitHealthy();
    await createAdmin(admin);
    token = await signIn();
    // The smoke test asks as a service account of its own, so its conversations are not the admin's.
    const user = await api(token)('/api/v1/admin/users', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `smoke-${runId}@example.org`, name: 'Deploy smoke test', role: 'viewer', password: `pw-${crypto.randomUUID()}` }),
    });
    assert.equal(user.status, 201, await user.clone().text());
    const key = await api(token)('/api/v1/admin/api-keys', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'deploy smoke test', scopes: ['query'], ownerId: ((await user.json()) as UserDto).id }),
    });
    assert.equal(key.status, 201, await key.clone().text());
    smokeKey = ((await key.json()) as CreatedApiKeyDto).secret;

    const text = new TextEncoder().encode(`# Boiler room ${runId}\n\nThe boiler pressure is checked every morning at six by the caretaker.\n`);
    const res = await uploadFiles(token, [{ name: 'boiler.md', bytes: text, type: 'text/markdown' }]);
    assert.equal(res.status, 202, await res.clone().text());
    await waitReady(token, ((await res.json()) as { documents: DocumentDto[] }).documents[0]!.id);
    const { done } = await ask(token, 'When is the boiler pressure checked?');
    assert.ok(done.citations.length > 0, 'the answer cites nothing');

    const first = await runScript('deploy-production.sh', ...deployArgs(tag));
    assert.equal(first.code, 0, first.out);
    assert.match(first.out, /pre-flight passed/);
    assert.doesNotMatch(first.out, /SMOKE_API_KEY not set/);
    assert.deepEqual(lastRecord().slice(2, 6), ['deploy', tag, '-', 'ok']);
  });

  step('deploys a new version: a backup first, then the new images, healthy, with the data intact', async () => {
    atBackup = await snapshot(token);
    const earlier = backups();
    const next = await runScript('deploy-production.sh', ...deployArgs(`${tag}-next`));
    assert.equal(next.code, 0, next.out);
    assert.deepEqual(lastRecord().slice(2, 6), ['deploy', `${tag}-next`, tag, 'ok']);
    const made = backups().filter((n) => !earlier.includes(n));
    assert.equal(made.length, 1, `pre-deploy backups made: ${made.join(', ')}`);
    preDeployBackup = path.join(work, 'backups', made[0]!);
    const manifest = JSON.parse(readFileSync(path.join(preDeployBackup, 'manifest.json'), 'utf8')) as { counts: Record<string, unknown> };
    assert.ok(manifest.counts, 'the pre-deploy backup has no counts');
    assert.equal(await runningVersion(), `${tag}-next`);
    token = await signIn();
    assert.deepEqual(await snapshot(token), atBackup);
    expected = atBackup;
    process.stdout.write(`# figure: deploy of a new version (pre-flight, backup, start, healthchecks, smoke test) ${next.seconds.toFixed(0)} s\n`);
  });

  step('rolls back by itself when the new image fails its healthcheck, and the data is intact', async () => {
    const broken = await runScript('deploy-production.sh', ...deployArgs(`${tag}-broken`));
    assert.equal(broken.code, 1, broken.out);
    assert.match(broken.out, new RegExp(`the deploy of ${tag}-broken failed`));
    assert.deepEqual(lastRecord().slice(2, 6), ['deploy', `${tag}-broken`, `${tag}-next`, 'rolled-back']);
    assert.equal(await runningVersion(), `${tag}-next`);
    await waitHealthy();
    token = await signIn();
    assert.deepEqual(await snapshot(token), expected);
    const { done } = await ask(token, 'Who checks the boiler pressure?');
    assert.ok(done.citations.length > 0, 'no citation after the rollback');
    expected = await snapshot(token);
    const rollback = secondsBetween(broken.out, /the deploy of .* failed/, /rolled back to/);
    process.stdout.write(`# figure: failed deploy detected and rolled back in ${broken.seconds.toFixed(0)} s in all, the rollback itself ${rollback.toFixed(0)} s\n`);
  });

  step('goes back to the version before with scripts/rollback.sh, and the data is intact', async () => {
    const back = await runScript('rollback.sh', '--timeout', '300');
    assert.equal(back.code, 0, back.out);
    assert.deepEqual(lastRecord().slice(2, 6), ['rollback', tag, `${tag}-next`, 'ok']);
    assert.equal(await runningVersion(), tag);
    token = await signIn();
    assert.deepEqual(await snapshot(token), expected);
    process.stdout.write(`# figure: scripts/rollback.sh to the version before ${back.seconds.toFixed(0)} s\n`);
  });

  step('restores the pre-deploy backup into the running deployment with scripts/restore.sh --compose', async () => {
    // Something to lose: a document added after the backup is gone once it is restored.
    const text = new TextEncoder().encode(`The generator ${runId} is tested on the first Sunday of the month.\n`);
    const res = await uploadFiles(token, [{ name: 'generator.txt', bytes: text, type: 'text/plain' }]);
    assert.equal(res.status, 202, await res.clone().text());
    await waitReady(token, ((await res.json()) as { documents: DocumentDto[] }).documents[0]!.id);
    assert.notDeepEqual(await snapshot(token), atBackup);

    const restore = await runScript('restore.sh', '--compose', preDeployBackup);
    assert.equal(restore.code, 0, restore.out);
    assert.equal(await runningVersion(), tag, 'the restore changed the running version');
    await waitHealthy();
    token = await signIn();
    assert.deepEqual(await snapshot(token), atBackup);
    const { done } = await ask(token, 'When is the boiler pressure checked?');
    assert.ok(done.citations.length > 0, 'no citation after the restore');
    process.stdout.write(`# figure: scripts/restore.sh --compose of the pre-deploy backup ${restore.seconds.toFixed(0)} s\n`);
  });

  step('reports every service and container with scripts/health-check.sh --compose, and Ollama degraded without its model', async () => {
    const report = (out: string) => JSON.parse(out.split('\n').find((l) => l.startsWith('{"status"')) ?? 'null') as { status: string; services: { name: string; status: string }[] } | null;
    const healthy = await runScript('health-check.sh', '--compose', '--json');
    assert.equal(healthy.code, 0, healthy.out);
    const all = report(healthy.out)!;
    for (const name of ['api', 'sqlite', 'redis', 'chroma', 'ollama', 'nginx']) {
      assert.equal(all.services.find((s) => s.name === name)?.status, 'ok', `${name}: ${healthy.out}`);
    }
    assert.equal(all.services.filter((s) => s.name.startsWith('container')).length, 5, healthy.out);

    emulator.faults.missingModels = ['llama3.2:3b'];
    try {
      const degraded = await runScript('health-check.sh', '--compose', '--json');
      assert.equal(degraded.code, 1, degraded.out);
      assert.equal(report(degraded.out)?.services.find((s) => s.name === 'ollama')?.status, 'degraded', degraded.out);
    } finally {
      emulator.faults.missingModels = [];
    }
  });
});
