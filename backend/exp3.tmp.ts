import { Worker, isMainThread } from 'node:worker_threads';
if (isMainThread) {
  const rss0 = process.memoryUsage().rss;
  let peak = 0;
  const iv = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 5);
  const w = new Worker(new URL(import.meta.url), { workerData: process.argv[2], resourceLimits: { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 16 } });
  await new Promise((r) => w.on('exit', r));
  clearInterval(iv);
  console.log(process.argv[2], 'peak growth', (peak - rss0) >> 20, 'after', (process.memoryUsage().rss - rss0) >> 20);
} else {
  const { workerData } = await import('node:worker_threads');
  if (workerData === 'pdf') { await import('pdf-parse'); }
  if (workerData === 'pdfjs') { await import('pdfjs-dist/legacy/build/pdf.mjs'); }
  if (workerData === 'canvas') { await import('@napi-rs/canvas'); }
  await new Promise((r) => setTimeout(r, 300));
}
