/**
 * Time to first token of a streamed answer, direct to the api and through nginx (the project's
 * configuration, TLS included, on loopback): the same questions, the same Ollama emulator
 * streaming a token every --token-delay ms. Prints the figures; asserts nothing about time.
 *
 *   node bench/sse-ttft.bench.ts [--questions 20] [--token-delay 20]
 */
import { startLoopbackNginx } from '../backend/test/support/nginx.ts';
import { firstTokenAndEnd, readSseTimed } from '../backend/test/support/sse-stream.ts';
import { startStack, upload } from '../backend/test/support/stack.ts';
import { fmt, printTable, say, summarize } from './support/stats.ts';

const arg = (flag: string, fallback: number) => {
  const i = process.argv.indexOf(flag);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const questions = arg('--questions', 20);
const tokenDelayMs = arg('--token-delay', 20);

const stack = await startStack({ env: { ANSWER_CACHE_TTL_S: '0' } });
const nginx = await startLoopbackNginx({ upstream: new URL(stack.baseUrl).host });
try {
  const doc = await upload(stack, [{ name: 'keeper.md', bytes: '# Keeper\n\nThe lighthouse keeper logs the fog signal every night and cleans the lamp each Monday.\n', type: 'text/markdown' }]);
  await stack.waitForStatus(doc.body.documents![0]!.id, ['ready']);
  stack.emulator.faults.tokenDelayMs = tokenDelayMs;

  const measure = async (base: string) => {
    const first: number[] = [];
    const total: number[] = [];
    for (let i = 0; i < questions; i++) {
      const started = performance.now();
      const res = await fetch(`${base}/api/v1/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.token}` },
        body: JSON.stringify({ question: `What does the keeper do every night? (${i})` }),
      });
      if (res.status !== 200) throw new Error(`chat answered ${res.status}: ${await res.text()}`);
      const { firstToken, end } = firstTokenAndEnd(await readSseTimed(res, started));
      first.push(firstToken.atMs);
      total.push(end.atMs);
    }
    return { first: summarize(first), total: summarize(total) };
  };

  // One warm-up round each (TLS session, connection pools, JIT), then the measured rounds.
  await measure(stack.baseUrl);
  await measure(nginx.httpsUrl);
  const direct = await measure(stack.baseUrl);
  const proxied = await measure(nginx.httpsUrl);

  say(`SSE time to first token, ${questions} questions, emulator token delay ${tokenDelayMs} ms`);
  printTable([
    ['path', 'first token p50 ms', 'p95 ms', 'whole answer p50 ms'],
    ['direct to the api (http)', fmt(direct.first.p50), fmt(direct.first.p95), fmt(direct.total.p50)],
    ['through nginx (https)', fmt(proxied.first.p50), fmt(proxied.first.p95), fmt(proxied.total.p50)],
  ]);
  say(`nginx adds ${fmt(proxied.first.p50 - direct.first.p50)} ms to the median time to first token`);
} finally {
  await nginx.close();
  await stack.close();
}
