import { z } from 'zod';

/** Shared with the dashboard: accounts, sign-in, API keys. */
export const ROLES = ['admin', 'editor', 'viewer'] as const;
export type UserRole = (typeof ROLES)[number];

export const API_KEY_SCOPES = ['query', 'ingest', 'admin'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** What a caller may do; a role grants some, an API key's scopes narrow them (`auth/permissions.ts`). */
export const PERMISSIONS = ['documents:read', 'documents:write', 'documents:delete', 'chat', 'admin'] as const;
export type Permission = (typeof PERMISSIONS)[number];

const email = z.string().trim().toLowerCase().email().max(254);
export const passwordSchema = z.string().min(12, 'password must have at least 12 characters').max(256);

export const loginRequestSchema = z.strictObject({ email, password: z.string().min(1).max(256) });
export const changePasswordRequestSchema = z.strictObject({ currentPassword: z.string().min(1).max(256), newPassword: passwordSchema });

export interface UserDto {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  disabled: boolean;
  createdAt: string;
  lastLoginAt: string | null;
}

/**
 * POST /api/v1/auth/login and POST /api/v1/auth/refresh answer this, and set the refresh token as
 * an httpOnly, Secure, SameSite=Strict cookie `rag_refresh` scoped to /api/v1/auth.
 * The access token goes in `Authorization: Bearer`; the socket.io handshake sends it as `auth.token`.
 */
export interface SessionDto {
  accessToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
  user: UserDto;
}

/** POST /auth/session: the session the refresh cookie restores, or that there is none (an expected state, not an error). */
export type RestoredSessionDto = ({ signedIn: true } & SessionDto) | { signedIn: false };

/** POST /api/v1/admin/users/:id/unlock: the account's sign-in lockouts are lifted; says whether there were any. */
export interface UnlockResultDto {
  wasLocked: boolean;
}

export const createUserRequestSchema = z.strictObject({
  email,
  name: z.string().trim().min(1).max(100),
  role: z.enum(ROLES),
  password: passwordSchema,
});
export const updateUserRequestSchema = z.strictObject({
  role: z.enum(ROLES).optional(),
  disabled: z.boolean().optional(),
  name: z.string().trim().min(1).max(100).optional(),
});

export const createApiKeyRequestSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(z.enum(API_KEY_SCOPES)).min(1),
  expiresAt: z.iso.datetime().optional(),
  /** An admin may make a key for another user (e.g. a service account); the caller's own by default. */
  ownerId: z.string().min(1).max(100).optional(),
});

export interface ApiKeyDto {
  id: string;
  name: string;
  /** First characters of the key, to recognise it; the secret itself is never shown again. */
  prefix: string;
  scopes: ApiKeyScope[];
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  ownerId: string;
}

/** Answer to POST /api/v1/admin/api-keys: the only time `secret` is shown. */
export interface CreatedApiKeyDto extends ApiKeyDto {
  secret: string;
}
