import { stat } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { PermanentIngestError } from '../ingest.errors.ts';
import type { DocumentKind, ParsedDocument, ParsedPage, ParseLimits } from './parse.types.ts';
import type { ParseWorkerInput, ParseWorkerMessage } from './parse-protocol.ts';

const WORKER_URL = new URL('./parse.worker.ts', import.meta.url);
const STDERR_TAIL_CHARS = 2000;

export interface ParseOptions {
  /** Stops the parser (the document was deleted, the job cancelled); rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Extracts the text of a stored file in a worker thread capped by `limits`, page by page for
 * PDFs. Rejects with PermanentIngestError ('encrypted', 'corrupt', 'no_text', 'parse_timeout',
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
  const pageCount = await runParseWorker({ filePath, kind }, limits, options.signal, (batch) => {
    for (const page of batch) pages.push(page);
  });
  if (!pages.some((p) => /\S/.test(p.text))) {
    throw new PermanentIngestError('no_text', 'no text could be extracted (a scanned PDF needs OCR first)');
  }
  return { pages, pageCount, headings: kind === 'pdf' || kind === 'txt' ? 'none' : 'markdown' };
}

type Outcome = { ok: true; pageCount: number | null } | { ok: false; error: unknown };

function runParseWorker(
  input: ParseWorkerInput,
  limits: ParseLimits,
  signal: AbortSignal | undefined,
  onPages: (pages: ParsedPage[]) => void,
): Promise<number | null> {
  signal?.throwIfAborted();
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_URL, {
      workerData: input,
      resourceLimits: {
        maxOldGenerationSizeMb: limits.maxMemoryMb,
        maxYoungGenerationSizeMb: Math.min(32, Math.max(8, Math.floor(limits.maxMemoryMb / 8))),
        stackSizeMb: 4,
      },
      // The parser's own output (pdf.js errors) is kept for diagnostics, never printed.
      stdout: true,
      stderr: true,
    });
    let stderrTail = '';
    worker.stdout.resume();
    worker.stderr.setEncoding('utf8');
    worker.stderr.on('data', (chunk: string) => {
      stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
    });

    let outcome: Outcome | undefined;
    let settled = false;
    const settle = (result: Outcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (result.ok) resolve(result.pageCount);
      else reject(result.error);
    };
    // Stopping early settles at once: a worker stuck in native code may take a while to exit.
    const stop = (error: unknown): void => {
      outcome ??= { ok: false, error };
      settle(outcome);
      void worker.terminate();
    };
    const timer = setTimeout(() => {
      stop(new PermanentIngestError('parse_timeout', `parsing took longer than ${formatMs(limits.timeoutMs)} and was stopped`));
    }, limits.timeoutMs);
    const onAbort = (): void => stop(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });

    worker.on('message', (message: ParseWorkerMessage) => {
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
      // Resolve only once the thread has exited, so its memory is free for the next stage.
      void worker.terminate();
    });
    worker.on('error', (error: Error & { code?: string }) => {
      outcome ??= {
        ok: false,
        error:
          error.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? new PermanentIngestError('parse_memory', `parsing needed more than the ${limits.maxMemoryMb} MB of memory it may use`)
            : new Error(`the parser crashed: ${error.message}`, { cause: error }),
      };
    });
    worker.on('exit', (code) => {
      const tail = stderrTail.trim();
      settle(outcome ?? { ok: false, error: new Error(`the parser exited unexpectedly (code ${code})${tail ? `: ${tail}` : ''}`) });
    });
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
  if (!(limits.maxMemoryMb >= 16)) throw new RangeError(`parse maxMemoryMb must be at least 16, got ${limits.maxMemoryMb}`);
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}
