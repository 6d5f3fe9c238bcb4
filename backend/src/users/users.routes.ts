import { Router, type RequestHandler } from 'express';
import { idParamsSchema, pageQuerySchema } from '../contracts/admin.ts';
import { createUserRequestSchema, updateUserRequestSchema } from '../contracts/auth.ts';
import { requirePermission } from '../auth/permissions.ts';
import { actorContext } from '../auth/principal.ts';
import { parseInput } from '../http/validate.ts';
import type { AuthService } from '../auth/auth.service.ts';
import type { UsersService } from './users.service.ts';

/** /api/v1/admin/users: list, create, change role, name or disabled, lift a sign-in lockout. Admins only. */
export function adminUsersRouter(deps: { users: UsersService; auth: Pick<AuthService, 'unlock'>; authenticate: RequestHandler }): Router {
  const { users } = deps;
  const router = Router();
  router.use(deps.authenticate, requirePermission('admin'));

  router.get('/', (req, res) => {
    const { limit, offset } = parseInput(pageQuerySchema, req.query, 'query');
    res.json(users.list(limit, offset));
  });

  router.post('/', async (req, res) => {
    const body = parseInput(createUserRequestSchema, req.body, 'user');
    res.status(201).json(await users.create(body, actorContext(req)));
  });

  router.get('/:id', (req, res) => {
    const { id } = parseInput(idParamsSchema, req.params, 'user id');
    res.json(users.get(id));
  });

  router.patch('/:id', (req, res) => {
    const { id } = parseInput(idParamsSchema, req.params, 'user id');
    const body = parseInput(updateUserRequestSchema, req.body, 'user change');
    res.json(users.update(id, body, actorContext(req)));
  });

  router.post('/:id/unlock', async (req, res) => {
    const { id } = parseInput(idParamsSchema, req.params, 'user id');
    res.json(await deps.auth.unlock(id, actorContext(req)));
  });

  return router;
}
