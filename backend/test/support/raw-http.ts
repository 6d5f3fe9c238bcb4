/**
 * Requests that fetch will not send: exact multipart bytes, header values with CR/LF, bodies cut
 * off part-way. Used by the hostile-input tests in this folder.
 */
import net from 'node:net';

export const BOUNDARY = 'hostile-boundary-7MA4YWxkTrZu0gW';

/** One multipart part written exactly as given: `headers` are raw header lines (bytes, not escaped). */
export interface RawPart {
  headers: (string | Buffer)[];
  body: string | Buffer;
}

/** A multipart/form-data body from raw parts, with the closing boundary unless `close` is false. */
export function multipartBody(parts: RawPart[], options: { close?: boolean } = {}): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    chunks.push(Buffer.from(`--${BOUNDARY}\r\n`));
    for (const header of part.headers) chunks.push(Buffer.from(header), Buffer.from('\r\n'));
    chunks.push(Buffer.from('\r\n'), Buffer.from(part.body), Buffer.from('\r\n'));
  }
  if (options.close !== false) chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}

/** A file part named `filename` (raw bytes: no escaping of quotes, CR/LF or NUL). */
export function filePart(filename: string | Buffer, body: Buffer | string, field = 'files'): RawPart {
  const disposition = Buffer.concat([Buffer.from(`Content-Disposition: form-data; name="${field}"; filename="`), Buffer.from(filename), Buffer.from('"')]);
  return { headers: [disposition, 'Content-Type: application/pdf'], body };
}

export interface RawResponse {
  status: number;
  /** Header lines as received, lower-cased names. */
  headers: [string, string][];
  head: string;
  body: string;
}

/**
 * Sends `request` (complete bytes: request line, headers, body) over a plain TCP socket and reads
 * until the server closes it (the request says `Connection: close`). With `endAfter`, only that
 * many bytes are sent, then the socket is half-closed (`'end'`) or destroyed (`'destroy'`), as a
 * client that goes away mid-upload would; null means no answer came at all.
 */
export function rawRequest(
  port: number,
  request: Buffer | string,
  options: { endAfter?: number; cut?: 'end' | 'destroy'; timeoutMs?: number } = {},
): Promise<RawResponse | null> {
  const bytes = Buffer.from(request);
  const timeoutMs = options.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no end of response within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', (d) => received.push(d));
    socket.on('error', () => {}); // a reset after a cut-off request is expected
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(parseResponse(Buffer.concat(received)));
    });
    socket.on('connect', () => {
      // Not end(): Node's server drops a request whose client half-closes before the answer.
      if (options.endAfter === undefined) return void socket.write(bytes);
      socket.write(bytes.subarray(0, options.endAfter), () => {
        if (options.cut === 'destroy') setTimeout(() => socket.destroy(), 50);
        else socket.end();
      });
    });
  });
}

/** An HTTP/1.1 request with `Connection: close`, its Content-Length computed unless headers set one. */
export function httpRequest(method: string, pathname: string, headers: Record<string, string>, body: Buffer | string = ''): Buffer {
  const payload = Buffer.from(body);
  const all: Record<string, string> = { host: '127.0.0.1', connection: 'close', ...headers };
  const chunked = Object.keys(all).some((k) => k.toLowerCase() === 'transfer-encoding');
  if (!chunked && !Object.keys(all).some((k) => k.toLowerCase() === 'content-length')) all['content-length'] = String(payload.length);
  const head = `${method} ${pathname} HTTP/1.1\r\n${Object.entries(all).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), payload]);
}

/** A body in chunked transfer encoding (one chunk, then the terminating zero chunk). */
export function chunked(body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')]);
}

function parseResponse(raw: Buffer): RawResponse | null {
  if (raw.length === 0) return null;
  const text = raw.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  const head = end === -1 ? text : text.slice(0, end);
  const [statusLine, ...lines] = head.split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')?.[1] ?? 0);
  const headers = lines.map((l): [string, string] => {
    const colon = l.indexOf(':');
    return [l.slice(0, colon).trim().toLowerCase(), l.slice(colon + 1).trim()];
  });
  return { status, headers, head, body: end === -1 ? '' : raw.subarray(Buffer.byteLength(text.slice(0, end + 4), 'latin1')).toString('utf8') };
}
