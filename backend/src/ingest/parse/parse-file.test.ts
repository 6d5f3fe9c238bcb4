import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import {
  debianFile,
  makeCorruptPdf,
  makeDocx,
  makeEncryptedPdf,
  makeHtml,
  makeMarkdown,
  makePdf,
  removeTempFiles,
  writeTemp,
} from '../../../test/support/fixtures.ts';
import { PermanentIngestError } from '../ingest.errors.ts';
import { writeDocxBomb, writePdfBomb } from '../../../test/support/bombs.ts';
import { peakResidentBytes, watchDescendants } from '../../../test/support/process-memory.ts';
import { parseFile } from './parse-file.ts';
import type { PermanentReason } from '../ingest.errors.ts';

const LIMITS = { timeoutMs: 60_000, maxMemoryMb: 256 };
// Real manuals; read through debianFile so their absence names the package to install.
const rIntro = () => debianFile('/usr/share/R/doc/manual/R-intro.pdf', 'r-doc-pdf');
const refman = () => debianFile('/usr/share/R/doc/manual/refman.pdf', 'r-doc-pdf');
const LONG_PAGE = Array.from({ length: 25 }, (_, i) => `Sentence ${i} describes the sluice gate and its winch.`).join(' ');

function failsWith(reason: PermanentReason, pattern?: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof PermanentIngestError, `expected PermanentIngestError, got ${String(error)}`);
    assert.equal(error.reason, reason, error.message);
    if (pattern) assert.match(error.message, pattern);
    return true;
  };
}

const childrenOf = (pid: number): number[] => {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
};
const commandOf = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
};
// A process that ended but was not reaped yet (a zombie) is not running.
const isRunning = (pid: number): boolean => {
  try {
    return !/State:\s+Z/.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
};
async function waitForValue<T>(read: () => T | undefined, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('parseFile', () => {
  after(removeTempFiles);

  it('returns the text of each PDF page under its own 1-based page number', async () => {
    const file = await writeTemp('three.pdf', await makePdf(['The first page.', LONG_PAGE, 'The third page.']));
    const doc = await parseFile(file, 'pdf', LIMITS);
    assert.equal(doc.pageCount, 3);
    assert.deepEqual(doc.pages.map((p) => p.page), [1, 2, 3]);
    assert.equal(doc.pages[0]!.text, 'The first page.');
    assert.match(doc.pages[1]!.text, /Sentence 24 describes the sluice gate and its winch\.$/);
    assert.doesNotMatch(doc.pages[1]!.text, /first page|third page/);
    // Wrapped lines come back as running text: every sentence is whole.
    assert.equal(doc.pages[1]!.text.replace(/\n/g, ' '), LONG_PAGE);
    assert.equal(doc.headings, 'none');
  });

  it('reads a real 100-page manual with its page numbers', async () => {
    const doc = await parseFile(rIntro(), 'pdf', LIMITS);
    assert.ok(doc.pageCount! > 90, `pageCount ${doc.pageCount}`);
    assert.equal(doc.pages.length, doc.pageCount);
    assert.equal(doc.pages.at(-1)!.page, doc.pageCount);
    assert.ok(doc.pages.some((p) => p.text.includes('An Introduction to R')));
  });

  it('fails a password-protected PDF as encrypted with a readable reason', async () => {
    const file = await writeTemp('locked.pdf', await makeEncryptedPdf(['Board minutes.']));
    await assert.rejects(parseFile(file, 'pdf', LIMITS), failsWith('encrypted', /password-protected/));
  });

  it('fails a damaged PDF as corrupt', async () => {
    const file = await writeTemp('broken.pdf', makeCorruptPdf());
    await assert.rejects(parseFile(file, 'pdf', LIMITS), failsWith('corrupt', /damaged/));
  });

  it('fails a truncated PDF as corrupt', async () => {
    const whole = await makePdf([LONG_PAGE]);
    const file = await writeTemp('cut.pdf', whole.subarray(0, 40));
    await assert.rejects(parseFile(file, 'pdf', LIMITS), failsWith('corrupt'));
  });

  it('fails a PDF without any text as no_text, pointing at OCR', async () => {
    const file = await writeTemp('blank.pdf', await makePdf(['', '']));
    await assert.rejects(parseFile(file, 'pdf', LIMITS), failsWith('no_text', /OCR/));
  });

  it('stops a parse that runs past its time limit and reports parse_timeout', async () => {
    const started = Date.now();
    await assert.rejects(parseFile(rIntro(), 'pdf', { timeoutMs: 150, maxMemoryMb: 256 }), failsWith('parse_timeout', /150 ms/));
    assert.ok(Date.now() - started < 2000, 'rejected soon after the limit');
  });

  it('stops a parse that needs more memory than allowed and reports parse_memory', async () => {
    await assert.rejects(parseFile(rIntro(), 'pdf', { timeoutMs: 60_000, maxMemoryMb: 64 }), failsWith('parse_memory', /more than 64 MB/));
  });

  it('stops when its signal is aborted', async () => {
    const controller = new AbortController();
    const parsing = parseFile(rIntro(), 'pdf', LIMITS, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('document deleted')), 50);
    await assert.rejects(parsing, /document deleted/);
  });

  it('reports a missing stored file as file_missing', async () => {
    await assert.rejects(parseFile('/nonexistent/nothing.pdf', 'pdf', LIMITS), failsWith('file_missing'));
  });

  it('keeps DOCX headings as Markdown headings before their paragraphs', async () => {
    const file = await writeTemp(
      'log.docx',
      await makeDocx([
        { heading: 'Logbook', text: 'The pump was serviced.' },
        { heading: 'Incidents', text: 'None this week.' },
      ]),
    );
    const doc = await parseFile(file, 'docx', LIMITS);
    assert.deepEqual(doc.pages, [{ page: null, text: '# Logbook\n\nThe pump was serviced.\n\n# Incidents\n\nNone this week.' }]);
    assert.equal(doc.pageCount, null);
    assert.equal(doc.headings, 'markdown');
  });

  it('fails a DOCX that is not a valid zip as corrupt', async () => {
    const file = await writeTemp('bad.docx', Buffer.from('PK\u0003\u0004 this is not really a zip file'));
    await assert.rejects(parseFile(file, 'docx', LIMITS), failsWith('corrupt', /Word document/));
  });

  it('turns HTML into text with headings and decoded entities', async () => {
    const file = await writeTemp('census.html', makeHtml('Census', ['Cats & dogs < 10.', 'Second paragraph.']));
    const doc = await parseFile(file, 'html', LIMITS);
    assert.deepEqual(doc.pages, [{ page: null, text: '# Census\n\nCats & dogs < 10.\n\nSecond paragraph.' }]);
  });

  it('reads Markdown and text as UTF-8 without BOM or carriage returns', async () => {
    const md = await writeTemp('ops.md', `\uFEFF${makeMarkdown('Ops', ['Line one.', 'Caf\u0065\u0301 au lait.'])}`.replace(/\n/g, '\r\n'));
    const txt = await writeTemp('notes.txt', 'plain\r\n# not a heading\r\n');
    assert.deepEqual((await parseFile(md, 'md', LIMITS)).pages, [{ page: null, text: '# Ops\n\nLine one.\n\nCafé au lait.' }]);
    const notes = await parseFile(txt, 'txt', LIMITS);
    assert.deepEqual(notes.pages, [{ page: null, text: 'plain\n# not a heading' }]);
    assert.equal(notes.headings, 'none');
  });

  it('fails a text file of only whitespace as no_text', async () => {
    const file = await writeTemp('blank.txt', ' \n\t\n  ');
    await assert.rejects(parseFile(file, 'txt', LIMITS), failsWith('no_text'));
  });

  it('ends its parser process when the process that started it is killed', async () => {
    const script = `import { parseFile } from ${JSON.stringify(new URL('./parse-file.ts', import.meta.url).href)};
      await parseFile(${JSON.stringify(refman())}, 'pdf', { timeoutMs: 600000, maxMemoryMb: 1024 });`;
    const owner = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'ignore' });
    const parser = await waitForValue(() => childrenOf(owner.pid!).find((pid) => commandOf(pid).includes('parse.child')), 'the parser process to start');
    owner.kill('SIGKILL');
    // refman.pdf takes 15 s or more to parse, longer on a busy machine: ending well before that
    // means the orphan stopped itself rather than finished.
    await waitForValue(() => (isRunning(parser) ? undefined : true), 'the orphaned parser to end', 10_000);
  });

  it('rejects nonsensical limits before starting a parser', async () => {
    await assert.rejects(parseFile(rIntro(), 'pdf', { timeoutMs: 0, maxMemoryMb: 256 }), RangeError);
  });

  describe('decompression bombs, with a 200 MB cap', () => {
    const CAP = { timeoutMs: 240_000, maxMemoryMb: 200 };
    const MB = 1024 * 1024;
    const GB_AND_MORE = 1200 * MB;

    // Parses under the cap and reports the parser process's peak (sampled) and this process's growth.
    async function parseMeasured(file: string, kind: 'pdf' | 'docx') {
      const before = peakResidentBytes('self');
      const parsers = watchDescendants(process.pid, 'parse.child');
      const result = await parseFile(file, kind, CAP).then(
        () => null,
        (error: unknown) => error,
      );
      parsers.stop();
      return { error: result, parserPeakMb: parsers.peak() / MB, ownGrowthMb: (peakResidentBytes('self') - before) / MB, parsers: parsers.seen() };
    }

    it('kills the parser of a PDF that inflates to 1.2 GB near the cap, and fails it as parse_memory', async () => {
      const file = await writeTemp('bomb.pdf', '');
      await writePdfBomb(file, GB_AND_MORE);
      const run = await parseMeasured(file, 'pdf');
      failsWith('parse_memory', /the file expands to more than 200 MB/)(run.error);
      assert.ok(run.parsers >= 1, 'the parser ran in a process of its own');
      assert.ok(run.parserPeakMb < 200 + 150, `parser peaked at ${run.parserPeakMb} MB`);
      assert.ok(run.ownGrowthMb < 100, `this process grew by ${run.ownGrowthMb} MB while the parser inflated the file`);
    });

    it('refuses a DOCX whose document.xml inflates to 1.2 GB before inflating it', async () => {
      const file = await writeTemp('bomb.docx', '');
      await writeDocxBomb(file, GB_AND_MORE);
      const run = await parseMeasured(file, 'docx');
      failsWith('too_large', /the Word document expands to more than 200 MB/)(run.error);
      assert.ok(run.parserPeakMb < 200, `parser peaked at ${run.parserPeakMb} MB`);
      assert.ok(run.ownGrowthMb < 100, `this process grew by ${run.ownGrowthMb} MB`);
    });

    it('refuses a DOCX whose headers understate what it inflates to, by counting as it inflates', async () => {
      const file = await writeTemp('liar.docx', '');
      await writeDocxBomb(file, GB_AND_MORE, { declaredBytes: 4096 });
      const run = await parseMeasured(file, 'docx');
      failsWith('too_large', /expands to more than 200 MB \(reached while inflating word\/document\.xml\)/)(run.error);
      assert.ok(run.parserPeakMb < 200, `parser peaked at ${run.parserPeakMb} MB`);
    });

    it('refuses a DOCX part that expands far more than any text does', async () => {
      const file = await writeTemp('dense.docx', '');
      await writeDocxBomb(file, 20 * MB, { level: 9 });
      await assert.rejects(parseFile(file, 'docx', CAP), failsWith('too_large', /word\/document\.xml expands more than 300 times/));
    });

    it('refuses a DOCX with more parts than a document has', async () => {
      const file = await writeTemp('parts.docx', '');
      await writeDocxBomb(file, 0, { extraParts: 10_001 });
      await assert.rejects(parseFile(file, 'docx', CAP), failsWith('too_large', /holds 10004 parts, more than the 10000 allowed/));
    });

    it('still reads an ordinary DOCX under the same checks', async () => {
      const file = await writeTemp('fine.docx', '');
      await writeDocxBomb(file, MB);
      const doc = await parseFile(file, 'docx', CAP);
      assert.equal(doc.pages[0]!.text, 'A small file that expands enormously.');
    });
  });
});
