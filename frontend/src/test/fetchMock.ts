import { vi } from 'vitest';

type Handler = (req: { url: URL; init: RequestInit; body: unknown }) => Response | Promise<Response>;

/** JSON response helper. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
}

/** A body that the test writes into piece by piece, as a server would stream it. */
export function controllableStream() {
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
  });
  return {
    stream,
    push: (text: string) => controller.enqueue(encoder.encode(text)),
    close: () => controller.close(),
    event: (name: string, data: unknown) => controller.enqueue(encoder.encode(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`)),
  };
}

/**
 * Replaces global fetch with a router of "METHOD /path" handlers; unknown routes answer 404 like
 * the API does. Returns the calls made, to assert on.
 */
export function mockFetch(routes: Record<string, Handler>) {
  const calls: { method: string; path: string; headers: Headers; body: unknown }[] = [];
  const fn = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input), 'http://localhost');
    const method = (init.method ?? 'GET').toUpperCase();
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : init.body;
    calls.push({ method, path: url.pathname, headers: new Headers(init.headers), body });
    const handler = routes[`${method} ${url.pathname}`];
    if (!handler) return json({ error: { code: 'not_found', message: `no route for ${method} ${url.pathname}` } }, 404);
    return handler({ url, init, body });
  });
  vi.stubGlobal('fetch', fn);
  return calls;
}
