import type { RequestHandler } from 'express';
import type { ApiKeyScope, Permission, UserRole } from '../contracts/auth.ts';
import { ForbiddenError } from '../http/errors.ts';
import { principalOf, type Principal } from './principal.ts';

/**
 * What each role may do. Viewers read documents so that the citations in their answers open;
 * `documents:write` is adding documents (upload, retry), `documents:delete` removing them.
 */
const ROLE_PERMISSIONS: Record<UserRole, readonly Permission[]> = {
  viewer: ['chat', 'documents:read'],
  editor: ['chat', 'documents:read', 'documents:write', 'documents:delete'],
  admin: ['chat', 'documents:read', 'documents:write', 'documents:delete', 'admin'],
};

/**
 * What each API key scope allows, before it is narrowed by the owner's role: `query` asks and reads,
 * `ingest` adds documents (never removes them), `admin` administers, deleting documents included.
 */
const SCOPE_PERMISSIONS: Record<ApiKeyScope, readonly Permission[]> = {
  query: ['chat', 'documents:read'],
  ingest: ['documents:read', 'documents:write'],
  admin: ['admin', 'documents:read', 'documents:delete'],
};

/** The permission that is the point of each scope: a key may carry the scope only if its owner's role has it. */
const SCOPE_PURPOSE: Record<ApiKeyScope, Permission> = { query: 'chat', ingest: 'documents:write', admin: 'admin' };

/** Whether a user of this role may own a key with this scope. */
export function scopeUsableBy(role: UserRole, scope: ApiKeyScope): boolean {
  return ROLE_PERMISSIONS[role].includes(SCOPE_PURPOSE[scope]);
}

/** The permissions of a role (a user session), or of an API key: the role narrowed to what its scopes allow. */
export function permissionsFor(role: UserRole, scopes?: readonly ApiKeyScope[]): Permission[] {
  if (!scopes) return [...ROLE_PERMISSIONS[role]];
  // A scope the role cannot own (a key kept after its owner was demoted) gives nothing.
  const allowed = new Set(scopes.filter((s) => scopeUsableBy(role, s)).flatMap((s) => SCOPE_PERMISSIONS[s]));
  return ROLE_PERMISSIONS[role].filter((p) => allowed.has(p));
}

/** Whether the caller has a permission. */
export function can(principal: Principal, permission: Permission): boolean {
  return principal.permissions.includes(permission);
}

/** 401 without a principal, 403 without the permission. Use this for anything a program may call. */
export function requirePermission(permission: Permission): RequestHandler {
  return (req, _res, next) => {
    if (!can(principalOf(req), permission)) throw new ForbiddenError(`this needs the ${permission} permission`);
    next();
  };
}

/** 401 without a principal, 403 unless a signed-in user (not an API key) has one of the roles. */
export function requireRole(...roles: UserRole[]): RequestHandler {
  return (req, _res, next) => {
    const principal = principalOf(req);
    if (principal.kind !== 'user' || !roles.includes(principal.role)) throw new ForbiddenError(`this needs the role ${roles.join(' or ')}`);
    next();
  };
}
