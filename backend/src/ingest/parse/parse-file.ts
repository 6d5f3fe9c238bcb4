import { fork } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { PermanentIngestError } from '../ingest.errors.ts';
import type { DocumentKind, ParsedDocument, ParsedPage, ParseLimits } from './parse.types.ts';
import type { ParseChildInput, ParseChildMessage } from './parse-protocol.ts';
import { residentBytes } from './resident-memory.ts';

const CHILD_PATH = new URL('./parse.child.ts', import.meta.url);
const STDERR_TAIL_CHARS = 2000;
/** How often the parser's resident memory is read. Inflating runs at ~1 GB/s: keep it short. */
const MEMORY_POLL_MS = 20;
const MB = 1024 * 1024;

export interface ParseOptions {
  /** Stops the parser (the document was deleted, the job cancelled); rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Extracts the text of a stored file in a child process capped by `limits`: killed past
 * `timeoutMs`, or when its whole resident memory (heap, inflated buffers, everything) passes
 * `maxMemoryMb`. Pages come back in order, page by page for PDFs. Rejects with
 * PermanentIngestError ('encrypted', 'corrupt', 'no_text', 'too_large', 'parse_timeout',
 * 'parse_memory', 'file_missing'); anything else it rejects with is unexpected (a bug or an
 * unreadable disk), not a property of the file.
 */
export async function parseFile(
  filePath: string,
  kind: DocumentKind,
  limits: ParseLimits,
  options: ParseOptions = {},
): Promise<ParsedDocument> {
  assertLimits(limits);
  await assertFileExists(filePath);
  const pages: ParsedPage[] = [];
  const pageCount = await runParser({ filePath, kind, maxMemoryBytes: limits.maxMemoryMb * MB }, limits, options.signal, (batch) => {
    for (const page of batch) pages.push(page);
  });
  if (!pages.some((p) => /\S/.test(p.text))) {
    throw new PermanentIngestError('no_text', 'no text could be extracted (a scanned PDF needs OCR first)');
  }
  return { pages, pageCount, headings: kind === 'pdf' || kind === 'txt' ? 'none' : 'markdown' };
}

type Outcome = { ok: true; pageCount: number | null } | { ok: false; error: unknown };

function runParser(
  input: ParseChildInput,
  limits: ParseLimits,
  signal: AbortSignal | undefined,
  onPages: (pages: ParsedPage[]) => void,
): Promise<number | null> {
  signal?.throwIfAborted();
  return new Promise((resolve, reject) => {
    const child = fork(CHILD_PATH, [JSON.stringify(input)], {
      // Its own flags only (not a test runner's), and none of this process's environment.
      execArgv: [`--max-old-space-size=${heapCapMb(limits.maxMemoryMb)}`, '--max-semi-space-size=16'],
      env: {},
      serialization: 'advanced',
      // The parser's own output (pdf.js errors) is kept for diagnostics, never printed.
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderrTail = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
    });

    const memoryExceeded = () =>
      new PermanentIngestError(
        'parse_memory',
        `the file expands to more than ${limits.maxMemoryMb} MB in memory while it is read, the parser's limit (PARSE_MAX_MEMORY_MB); it may be a decompression bomb`,
      );
    let outcome: Outcome | undefined;
    let settled = false;
    let exited = false;
    const settle = (result: Outcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(watch);
      signal?.removeEventListener('abort', onAbort);
      if (result.ok) resolve(result.pageCount);
      else reject(result.error);
    };
    // Stopping early settles at once; the process is killed outright, whatever it is doing.
    const stop = (error: unknown): void => {
      outcome ??= { ok: false, error };
      settle(outcome);
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => {
      stop(new PermanentIngestError('parse_timeout', `parsing took longer than ${formatMs(limits.timeoutMs)} and was stopped`));
    }, limits.timeoutMs);
    const watch = setInterval(() => {
      const rss = child.pid === undefined ? null : residentBytes(child.pid);
      if (rss !== null && rss > input.maxMemoryBytes) stop(memoryExceeded());
    }, MEMORY_POLL_MS);
    const onAbort = (): void => stop(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });

    child.on('message', (message: ParseChildMessage) => {
      if (outcome) return;
      switch (message.type) {
        case 'pages':
          onPages(message.pages);
          return;
        case 'done':
          outcome = { ok: true, pageCount: message.pageCount };
          break;
        case 'failed':
          outcome = {
            ok: false,
            error: message.reason
              ? new PermanentIngestError(message.reason, message.message)
              : new Error(`parsing failed: ${message.message}`),
          };
          break;
        default:
          message satisfies never;
      }
      // Resolve only once the process is gone, so its memory is free for the next stage.
      child.kill('SIGKILL');
    });
    child.on('error', (error) => {
      outcome ??= { ok: false, error: new Error(`the parser could not run: ${error.message}`, { cause: error }) };
      if (child.pid === undefined) settle(outcome);
    });
    // Messages may still be in the channel when the process exits: decide once both have ended.
    const finish = (): void => {
      if (!exited || child.connected) return;
      const tail = stderrTail.trim();
      if (outcome) return settle(outcome);
      if (/heap out of memory|Reached heap limit|Allocation failed/i.test(tail) || child.signalCode === 'SIGKILL') {
        // V8 gave up at its heap cap, or the process was killed for its memory (by its own
        // watchdog, or by the system when memory ran out).
        return settle({ ok: false, error: memoryExceeded() });
      }
      const how = child.signalCode ? `signal ${child.signalCode}` : `code ${child.exitCode}`;
      settle({ ok: false, error: new Error(`the parser exited unexpectedly (${how})${tail ? `: ${tail}` : ''}`) });
    };
    child.on('exit', () => {
      exited = true;
      finish();
    });
    child.on('disconnect', finish);
  });
}

async function assertFileExists(filePath: string): Promise<void> {
  try {
    await stat(filePath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new PermanentIngestError('file_missing', 'the stored file is missing; upload the document again');
    }
    throw error;
  }
}

function assertLimits(limits: ParseLimits): void {
  if (!(limits.timeoutMs > 0)) throw new RangeError(`parse timeoutMs must be positive, got ${limits.timeoutMs}`);
  if (!(limits.maxMemoryMb >= 64)) throw new RangeError(`parse maxMemoryMb must be at least 64, got ${limits.maxMemoryMb}`);
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

/**
 * The parser's V8 heap cap: below its memory cap by what the runtime itself takes (code, stacks,
 * buffers), so V8 collects garbage before the process reaches the cap and is killed for it.
 */
function heapCapMb(maxMemoryMb: number): number {
  return Math.max(16, maxMemoryMb - 96);
}
