import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fs from 'node:fs';
import { ConfigError, ENV_VARIABLES, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('gives working defaults for the embedded one-command start', () => {
    const config = loadConfig({});
    assert.deepEqual([...config.roles], ['api', 'worker']);
    assert.equal(config.chroma.url, undefined);
    assert.equal(config.ollama.host, 'http://127.0.0.1:11434');
    assert.ok(config.paths.database.endsWith('app.db'));
  });

  it('names the variable when a value is wrong', () => {
    assert.throws(() => loadConfig({ PORT: 'eighty' }), (err: Error) => err instanceof ConfigError && /PORT/.test(err.message));
    assert.throws(() => loadConfig({ OLLAMA_HOST: 'not a url' }), /OLLAMA_HOST/);
    assert.throws(() => loadConfig({ ROLES: 'api,cron' }), /ROLES/);
    assert.throws(() => loadConfig({ REDIS_URL: 'http://x' }), /REDIS_URL/);
  });

  it('refuses an overlap that is not smaller than the chunk size', () => {
    assert.throws(() => loadConfig({ CHUNK_SIZE: '500', CHUNK_OVERLAP: '500' }), /CHUNK_OVERLAP/);
  });

  it('refuses a header timeout longer than the request timeout', () => {
    assert.throws(() => loadConfig({ HTTP_REQUEST_TIMEOUT_S: '10', HTTP_HEADERS_TIMEOUT_S: '30' }), /HTTP_HEADERS_TIMEOUT_S/);
    assert.equal(loadConfig({ HTTP_REQUEST_TIMEOUT_S: '10', HTTP_HEADERS_TIMEOUT_S: '10' }).http.requestTimeoutMs, 10_000);
  });

  it('treats empty variables as unset', () => {
    assert.equal(loadConfig({ CHROMA_URL: '' }).chroma.url, undefined);
  });

  it('is documented: every variable appears in the README', () => {
    const readme = fs.readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const name of ENV_VARIABLES) assert.ok(readme.includes(`\`${name}\``), `${name} is missing from README.md`);
  });
});
