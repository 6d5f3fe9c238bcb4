import { Worker, isMainThread, workerData, parentPort } from 'node:worker_threads';
import { readFile } from 'node:fs/promises';
if (isMainThread) {
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  let peak = 0;
  const iv = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
  for (let k=0;k<Number(process.argv[5]??1);k++){ const w = new Worker(new URL(import.meta.url), { workerData: { f: process.argv[2], batch: Number(process.argv[3]), cleanup: process.argv[6] === 'c' }, resourceLimits: { maxOldGenerationSizeMb: Number(process.argv[4] ?? 512), maxYoungGenerationSizeMb: 16 } });
  let n = 0, chars = 0; const all: string[] = [];
  w.on('message', (m: { pages: string[] } | { done: true }) => { if ('pages' in m) { n += m.pages.length; for (const p of m.pages) { chars += p.length; all.push(p); } } });
  w.on('error', (e) => console.log('err', e));
  await new Promise((r) => w.on('exit', r)); console.log('run',k,'rss',process.memoryUsage().rss>>20);}
  const t1 = performance.now();
  clearInterval(iv);

  global.gc?.();
  await new Promise((r) => setTimeout(r, 500));
  console.log('after gc', process.memoryUsage().rss >> 20);
} else {
  const { PDFParse } = await import('pdf-parse');
  const data = new Uint8Array(await readFile(workerData.f));
  const p = new PDFParse({ data, isEvalSupported: false });
  const info = await p.getText({ first: 1, last: 1 });
  parentPort!.postMessage({ pages: info.pages.map((x) => x.text) });
  const total = info.total; const B = workerData.batch;
  for (let a = 2; a <= total; a += B) {
    const r = await p.getText({ first: a, last: Math.min(total, a + B - 1) });
    parentPort!.postMessage({ pages: r.pages.map((x) => x.text) }); if ((a % 500) < 50) { (globalThis as any).gc(); console.log(a, (await import('node:v8')).getHeapStatistics().used_heap_size>>20); } if (process.argv.includes('--cleanup') || workerData.cleanup) await (p as any).doc.cleanup();
  }
  const v8 = await import('node:v8'); const h=v8.getHeapStatistics(); const mu=process.memoryUsage(); console.log('worker heap', h.used_heap_size>>20, h.total_heap_size>>20, 'ext', mu.external>>20, 'ab', mu.arrayBuffers>>20, 'rss', mu.rss>>20);
  await p.destroy();
}
