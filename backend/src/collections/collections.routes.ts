import { Router, type RequestHandler } from 'express';
import { requirePermission } from '../auth/permissions.ts';
import { actorContext, principalOf } from '../auth/principal.ts';
import { collectionMembersRequestSchema, createCollectionRequestSchema, idParamsSchema, updateCollectionRequestSchema } from '../contracts/admin.ts';
import { parseInput } from '../http/validate.ts';
import type { CollectionsService } from './collections.service.ts';

/** /api/v1/collections: readers list and read; admins create, change, delete and set members. */
export function collectionsRouter(deps: { collections: CollectionsService; authenticate: RequestHandler }): Router {
  const { collections } = deps;
  const router = Router();
  const admin = requirePermission('admin');
  router.use(deps.authenticate);

  router.get('/', requirePermission('documents:read'), (req, res) => {
    res.json({ items: collections.list(principalOf(req)) });
  });
  router.get('/:id', requirePermission('documents:read'), (req, res) => {
    const { id } = parseInput(idParamsSchema, req.params, 'collection id');
    res.json(collections.get(principalOf(req), id));
  });
  router.post('/', admin, (req, res) => {
    res.status(201).json(collections.create(parseInput(createCollectionRequestSchema, req.body, 'collection'), actorContext(req)));
  });
  router.patch('/:id', admin, (req, res) => {
    const { id } = parseInput(idParamsSchema, req.params, 'collection id');
    res.json(collections.update(id, parseInput(updateCollectionRequestSchema, req.body, 'collection change'), actorContext(req)));
  });
  router.delete('/:id', admin, (req, res) => {
    const { id } = parseInput(idParamsSchema, req.params, 'collection id');
    collections.remove(id, actorContext(req));
    res.status(204).end();
  });
  router.put('/:id/members', admin, (req, res) => {
    const { id } = parseInput(idParamsSchema, req.params, 'collection id');
    const { userIds } = parseInput(collectionMembersRequestSchema, req.body, 'members');
    res.json(collections.setMembers(id, userIds, actorContext(req)));
  });
  return router;
}
