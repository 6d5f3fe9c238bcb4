import type { z } from 'zod';
import { BadRequestError } from './errors.ts';

/** Parses input at an edge with its zod schema; a failure is a 400 that says what is wrong and where. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const first = issues[0]!;
  const message = `invalid ${where}: ${first.path ? `${first.path}: ` : ''}${first.message}`;
  throw new BadRequestError(message, issues, 'validation_failed');
}
