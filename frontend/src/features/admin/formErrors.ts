import type { z } from 'zod';
import { capitalise, ValidationError } from '../../api/errors.ts';

export type FieldErrors = Record<string, string>;

type Issue = z.core.$ZodIssue;

/** Zod's default wording ("Too small: expected number to be >=1") in plain words; custom messages are kept. */
export function friendlyMessage(issue: Issue): string {
  const text = issue.message;
  if (issue.code === 'too_small' && /^Too small/.test(text)) {
    if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? 'Required.' : `At least ${issue.minimum} characters.`;
    if (issue.origin === 'array') return 'Choose at least one.';
    return `Must be at least ${issue.minimum}.`;
  }
  if (issue.code === 'too_big' && /^Too big/.test(text)) return issue.origin === 'string' ? `At most ${issue.maximum} characters.` : `Must be at most ${issue.maximum}.`;
  if (issue.code === 'invalid_type' && issue.expected === 'number') return 'Enter a number.';
  if (issue.code === 'invalid_format' && issue.format === 'email') return 'Enter a valid e-mail address.';
  return capitalise(text);
}

/** The first message per field of a failed parse, keyed by the field's path ("chunkSize"). */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.join('.') || '_form';
    out[key] ??= friendlyMessage(issue);
  }
  return out;
}

/** Field errors the server sent with a 400 (`details: [{ path, message }]`), so both sides speak the same way. */
export function serverFieldErrors(err: unknown): FieldErrors | null {
  if (!(err instanceof ValidationError) || err.issues.length === 0) return null;
  const out: FieldErrors = {};
  for (const issue of err.issues) out[issue.path || '_form'] ??= issue.message;
  return out;
}
