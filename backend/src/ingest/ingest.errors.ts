/**
 * Ingestion failures are classified once, where they happen:
 * permanent ones fail the document at once with a reason a person can read,
 * transient ones (a dependency unreachable, a timeout) are retried with backoff.
 */
export type PermanentReason =
  | 'encrypted'
  | 'corrupt'
  | 'no_text'
  | 'unsupported'
  | 'too_large'
  | 'parse_timeout'
  | 'parse_memory'
  | 'embedding_invalid'
  | 'dimension_mismatch'
  | 'file_missing';

export class PermanentIngestError extends Error {
  readonly reason: PermanentReason;
  constructor(reason: PermanentReason, message: string) {
    super(message);
    this.name = 'PermanentIngestError';
    this.reason = reason;
  }
}

export class TransientIngestError extends Error {
  readonly dependency: string;
  constructor(dependency: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientIngestError';
    this.dependency = dependency;
  }
}
