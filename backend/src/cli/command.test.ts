import assert from 'node:assert/strict';
import os from 'node:os';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { loadConfigOrExplain, parseArgsOrExplain } from './command.ts';

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return { stream, text: () => text };
}

describe('command-line helpers', () => {
  const options = { out: { type: 'string' }, help: { type: 'boolean' } } as const;

  it('answers the parsed arguments and writes nothing', () => {
    const err = capture();
    const parsed = parseArgsOrExplain({ args: ['--out', '/tmp/x', 'create'], allowPositionals: true, strict: true, options }, 'USAGE\n', err.stream);
    assert.deepEqual({ ...parsed?.values }, { out: '/tmp/x' });
    assert.deepEqual(parsed?.positionals, ['create']);
    assert.equal(err.text(), '');
  });

  it('answers undefined to an unknown option, after writing what is wrong and the usage', () => {
    const err = capture();
    assert.equal(parseArgsOrExplain({ args: ['--nope'], strict: true, options }, 'USAGE\n', err.stream), undefined);
    assert.match(err.text(), /^Unknown option '--nope'.*\n\nUSAGE\n$/s);
  });

  it('answers the config from the environment it is given', () => {
    const err = capture();
    const config = loadConfigOrExplain(err.stream, { DATA_DIR: os.tmpdir(), PORT: '8123' });
    assert.equal(config?.http.port, 8123);
    assert.equal(err.text(), '');
  });

  it('answers undefined to an invalid environment, after writing the variable that is wrong', () => {
    const err = capture();
    assert.equal(loadConfigOrExplain(err.stream, { DATA_DIR: os.tmpdir(), PORT: 'eighty' }), undefined);
    assert.match(err.text(), /^invalid configuration:\n\s+PORT: .*\n$/);
  });
});
