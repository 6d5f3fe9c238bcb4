import { Worker, isMainThread, workerData, parentPort } from 'node:worker_threads';
import { readFile } from 'node:fs/promises';
if (isMainThread) {
  const rss0 = process.memoryUsage().rss;
  let peak = 0;
  const iv = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 10);
  for (let k = 0; k < 2; k++) {
    const t0 = performance.now();
    const w = new Worker(new URL(import.meta.url), { workerData: { f: process.argv[2], batch: 50 }, resourceLimits: { maxOldGenerationSizeMb: Number(process.argv[3]), maxYoungGenerationSizeMb: Number(process.argv[4] ?? 16) } });
    w.on('message', () => {});
    w.on('error', (e) => console.log('err', e.message));
    await new Promise((r) => w.on('exit', r));
    console.log('limit', process.argv[3], process.argv[4], 'run', k, 'ms', Math.round(performance.now() - t0), 'peak growth MB', (peak - rss0) >> 20, 'after', (process.memoryUsage().rss - rss0) >> 20);
  }
  clearInterval(iv); const m0=process.memoryUsage(); console.log(Object.fromEntries(Object.entries(m0).map(([k,v])=>[k,v>>20]))); (globalThis as any).gc?.(); await new Promise(r=>setTimeout(r,1000)); const m=process.memoryUsage(); console.log(Object.fromEntries(Object.entries(m).map(([k,v])=>[k,v>>20])));
} else {
  const { PDFParse } = await import('pdf-parse');
  const bytes = await readFile(workerData.f);
  const R = Number(process.env.REOPEN ?? 500);
  let p = new PDFParse({ data: new Uint8Array(bytes), isEvalSupported: false });
  const info = await p.getText({ first: 1, last: 1 });
  parentPort!.postMessage({ pages: info.pages.map((x) => x.text) });
  const total = info.total; const B = workerData.batch;
  for (let a = 2; a <= total; a += B) {
    if ((a - 2) % R === 0 && a > 2) { await p.destroy(); p = new PDFParse({ data: new Uint8Array(bytes), isEvalSupported: false }); }
    const r = await p.getText({ first: a, last: Math.min(total, a + B - 1) });
    parentPort!.postMessage({ pages: r.pages.map((x) => x.text) });
  }
  await p.destroy();
}
