import type { RequestHandler } from 'express';
import { BadRequestError } from './errors.ts';

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_DEPTH = 32;

/**
 * Refuses JSON bodies with keys that could reach an object's prototype (`__proto__`,
 * `constructor`, `prototype`) at any depth, and bodies nested deeper than any request needs.
 */
export const rejectPrototypeKeys: RequestHandler = (req, _res, next) => {
  const found = findForbidden(req.body, 0);
  if (found) throw new BadRequestError(found, undefined, 'forbidden_key');
  next();
};

function findForbidden(value: unknown, depth: number): string | null {
  if (value === null || typeof value !== 'object') return null;
  if (depth > MAX_DEPTH) return 'the JSON body is nested too deeply';
  for (const key of Object.keys(value)) {
    if (FORBIDDEN.has(key)) return `the key "${key}" is not allowed`;
    const inner = findForbidden((value as Record<string, unknown>)[key], depth + 1);
    if (inner) return inner;
  }
  return null;
}
