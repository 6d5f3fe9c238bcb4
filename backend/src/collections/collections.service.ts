import type { AuditLog } from '../audit/audit.service.ts';
import type { Principal } from '../auth/principal.ts';
import type { CollectionDto } from '../contracts/admin.ts';
import { BadRequestError, ConflictError, NotFoundError } from '../http/errors.ts';
import type { UsersRepository } from '../users/users.repository.ts';
import type { CollectionsRepository } from './collections.repository.ts';

export interface ActorContext {
  actor: Principal | null;
  ip: string | null;
}

/**
 * Who may read which collection. Admins read all; everyone else reads collections visible to
 * everyone and those they are a member of. A collection someone may not read does not exist for
 * them: every check answers 404, never 403.
 */
export function createCollectionsService(deps: { collections: CollectionsRepository; users: UsersRepository; audit: AuditLog }) {
  const { collections, audit } = deps;

  function readableIds(principal: Principal): string[] {
    return principal.role === 'admin' ? collections.allIds() : collections.readableIds(principal.userId);
  }

  function requireReadable(principal: Principal, id: string): void {
    if (!readableIds(principal).includes(id)) throw new NotFoundError('collection not found');
  }

  function requireExisting(id: string): CollectionDto {
    const found = collections.get(id);
    if (!found) throw new NotFoundError('collection not found');
    return found;
  }

  const withMembers = (c: CollectionDto): CollectionDto => ({ ...c, memberIds: collections.memberIds(c.id) });

  return {
    readableIds,
    requireReadable,
    /** Collections the caller may read, with members for admins. */
    list(principal: Principal): CollectionDto[] {
      if (principal.role === 'admin') return collections.listAll().map(withMembers);
      return collections.byIds(readableIds(principal));
    },
    get(principal: Principal, id: string): CollectionDto {
      requireReadable(principal, id);
      const found = requireExisting(id);
      return principal.role === 'admin' ? withMembers(found) : found;
    },
    create(input: { name: string; description: string; visibility: 'everyone' | 'members' }, ctx: ActorContext): CollectionDto {
      if (collections.nameTaken(input.name)) throw new ConflictError(`a collection named "${input.name}" exists already`);
      const id = collections.create(input);
      audit.record({ actor: ctx.actor, action: 'collection.created', target: id, ip: ctx.ip, details: { name: input.name, visibility: input.visibility } });
      return withMembers(requireExisting(id));
    },
    update(id: string, change: Partial<{ name: string; description: string; visibility: 'everyone' | 'members' }>, ctx: ActorContext): CollectionDto {
      requireExisting(id);
      if (change.name && collections.nameTaken(change.name, id)) throw new ConflictError(`a collection named "${change.name}" exists already`);
      collections.update(id, change);
      audit.record({ actor: ctx.actor, action: 'collection.updated', target: id, ip: ctx.ip, details: change });
      return withMembers(requireExisting(id));
    },
    /** Only an empty collection can go, and never the default one. */
    remove(id: string, ctx: ActorContext): void {
      const found = requireExisting(id);
      if (id === 'default') throw new ConflictError('the default collection cannot be deleted');
      if (found.documentCount > 0) throw new ConflictError(`the collection still has ${found.documentCount} documents; delete or move them first`);
      collections.delete(id);
      audit.record({ actor: ctx.actor, action: 'collection.deleted', target: id, ip: ctx.ip, details: { name: found.name } });
    },
    setMembers(id: string, userIds: string[], ctx: ActorContext): CollectionDto {
      requireExisting(id);
      const unknown = userIds.filter((u) => !deps.users.get(u));
      if (unknown.length > 0) throw new BadRequestError(`unknown user ids: ${unknown.slice(0, 5).join(', ')}`);
      collections.setMembers(id, userIds);
      audit.record({ actor: ctx.actor, action: 'collection.members_changed', target: id, ip: ctx.ip, details: { members: userIds.length } });
      return withMembers(requireExisting(id));
    },
  };
}

export type CollectionsService = ReturnType<typeof createCollectionsService>;
