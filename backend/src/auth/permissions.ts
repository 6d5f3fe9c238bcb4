import type { RequestHandler } from 'express';
import { API_KEY_SCOPES, type ApiKeyScope, type UserRole } from '../contracts/auth.ts';
import { ForbiddenError } from '../http/errors.ts';
import { principalOf, type Principal } from './principal.ts';

export const PERMISSIONS = ['documents:read', 'documents:write', 'chat', 'admin'] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** What each role may do. Viewers read documents so that the citations in their answers open. */
const ROLE_PERMISSIONS: Record<UserRole, readonly Permission[]> = {
  viewer: ['chat', 'documents:read'],
  editor: ['chat', 'documents:read', 'documents:write'],
  admin: ['chat', 'documents:read', 'documents:write', 'admin'],
};

/** What each API key scope allows, before it is narrowed by the owner's role. */
const SCOPE_PERMISSIONS: Record<ApiKeyScope, readonly Permission[]> = {
  query: ['chat', 'documents:read'],
  ingest: ['documents:read', 'documents:write'],
  admin: ['admin'],
};

/** The permissions of a role, narrowed to what the given scopes allow (all scopes: a user session). */
export function permissionsFor(role: UserRole, scopes: readonly ApiKeyScope[] = API_KEY_SCOPES): Permission[] {
  const allowed = new Set(scopes.flatMap((s) => SCOPE_PERMISSIONS[s]));
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
