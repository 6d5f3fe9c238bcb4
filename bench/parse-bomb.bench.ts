// Peak memory of the parser against decompression bombs: a PDF whose FlateDecode content stream
// and a DOCX whose word/document.xml expand to --expand-mb of filler, parsed by the product's
// own parseFile under --cap-mb (PARSE_MAX_MEMORY_MB). Prints, per bomb, how it ended, how long
// it took, the parser process's peak resident memory (sampled from /proc every 5 ms) and how much
// this process (the one that would be the product) grew.
//
//   node bench/parse-bomb.bench.ts [--cap-mb 1024] [--expand-mb 2400] [--time-limit-min 10]
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseFile } from '../backend/src/ingest/parse/parse-file.ts';
import { writeDocxBomb, writePdfBomb } from '../backend/test/support/bombs.ts';
import { guardRun, machine, saveResults, tempDir } from './support/harness.ts';
import { childPids, rssOf } from './support/memory.ts';
import { fmt, mb, printTable, say } from './support/stats.ts';

const { values: opts } = parseArgs({
  options: {
    'cap-mb': { type: 'string', default: '1024' },
    'expand-mb': { type: 'string', default: '2400' },
    'time-limit-min': { type: 'string', default: '10' },
  },
});
const capMb = Number(opts['cap-mb']);
const expandMb = Number(opts['expand-mb']);
const guard = guardRun('parse-bomb.bench', Number(opts['time-limit-min']) * 60_000);
guard.run(main);

interface BombResult {
  bomb: string;
  fileMb: number;
  expandsToMb: number;
  outcome: string;
  seconds: number;
  parserPeakMb: number;
  ownPeakGrowthMb: number;
}

const peakOwnRss = () => Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) * 1024;

async function main() {
  const host = machine();
  say(`parser memory against decompression bombs: node ${host.node}, ${host.cpus} cpus, load ${fmt(host.loadavg1m, 2)}; cap ${capMb} MB, bombs expand to ${expandMb} MB`);
  const dir = tempDir('bombs');
  guard.onCleanup(() => fs.rmSync(dir, { recursive: true, force: true }));
  const bombs = [
    { name: 'PDF, FlateDecode content stream', file: path.join(dir, 'bomb.pdf'), kind: 'pdf' as const, make: (f: string) => writePdfBomb(f, expandMb * 2 ** 20) },
    { name: 'DOCX, honest zip headers', file: path.join(dir, 'bomb.docx'), kind: 'docx' as const, make: (f: string) => writeDocxBomb(f, expandMb * 2 ** 20) },
    { name: 'DOCX, headers understating sizes', file: path.join(dir, 'liar.docx'), kind: 'docx' as const, make: (f: string) => writeDocxBomb(f, expandMb * 2 ** 20, { declaredBytes: 4096 }) },
  ];
  const results: BombResult[] = [];
  for (const bomb of bombs) {
    say(`making and parsing: ${bomb.name}...`);
    const size = await bomb.make(bomb.file);
    const before = peakOwnRss();
    let parserPeak = 0;
    const sampler = setInterval(() => {
      for (const pid of childPids('parse.child')) parserPeak = Math.max(parserPeak, rssOf(pid) ?? 0);
    }, 5);
    const started = performance.now();
    const outcome = await parseFile(bomb.file, bomb.kind, { timeoutMs: 5 * 60_000, maxMemoryMb: capMb }).then(
      (doc) => `read (${doc.pages.length} pages)`,
      (err: unknown) => `refused: ${err instanceof Error ? err.message : String(err)}`,
    );
    clearInterval(sampler);
    results.push({
      bomb: bomb.name,
      fileMb: mb(size),
      expandsToMb: expandMb,
      outcome,
      seconds: (performance.now() - started) / 1000,
      parserPeakMb: mb(parserPeak),
      ownPeakGrowthMb: mb(peakOwnRss() - before),
    });
    fs.rmSync(bomb.file, { force: true });
  }
  say();
  printTable([
    ['bomb', 'file MB', 'expands to MB', 'seconds', 'parser peak RSS MB', 'this process peak growth MB'],
    ...results.map((r) => [r.bomb, fmt(r.fileMb, 1), fmt(r.expandsToMb, 0), fmt(r.seconds, 1), fmt(r.parserPeakMb, 0), fmt(r.ownPeakGrowthMb, 0)]),
  ]);
  say();
  for (const r of results) say(`${r.bomb}: ${r.outcome}`);
  say(`figures saved to ${path.relative(process.cwd(), saveResults('parse-bomb', { machine: host, capMb, expandMb, results }))}`);
}
