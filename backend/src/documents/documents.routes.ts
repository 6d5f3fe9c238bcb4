import { Router, type RequestHandler } from 'express';
import { requirePermission } from '../auth/permissions.ts';
import { actorContext, principalOf } from '../auth/principal.ts';
import { documentIdParamsSchema, listDocumentsQuerySchema } from '../contracts/documents.ts';
import { parseInput } from '../http/validate.ts';
import type { DocumentsService } from './documents.service.ts';
import { uploadedFiles } from './upload.ts';

/** /api/v1/documents. Readers list and read; editors (and `ingest` keys) upload, delete and retry. */
export function documentsRouter(deps: { service: DocumentsService; upload: RequestHandler; authenticate: RequestHandler }): Router {
  const { service } = deps;
  const router = Router();
  const read = requirePermission('documents:read');
  const write = requirePermission('documents:write');
  const remove = requirePermission('documents:delete');
  const caller = (req: Parameters<RequestHandler>[0]) => ({ principal: principalOf(req), ip: actorContext(req).ip });
  router.use(deps.authenticate);

  // Authorised before the body is read, so a viewer's upload is refused without storing a byte.
  router.post('/', write, deps.upload, async (req, res) => {
    const result = await service.upload(uploadedFiles(req), req.body, caller(req));
    res.status(result.documents.some((d) => !d.duplicate) ? 202 : 200).json(result);
  });

  router.get('/', read, (req, res) => {
    res.json(service.list(parseInput(listDocumentsQuerySchema, req.query, 'query'), principalOf(req)));
  });

  router.get('/:id', read, (req, res) => {
    const { id } = parseInput(documentIdParamsSchema, req.params, 'document id');
    res.json(service.get(id, principalOf(req)));
  });

  // The original upload. Only PDFs open inline (for #page=N links); anything else downloads, and
  // the sandbox CSP keeps an uploaded HTML file from running as part of this site.
  router.get('/:id/file', read, (req, res) => {
    const { id } = parseInput(documentIdParamsSchema, req.params, 'document id');
    const file = service.originalFile(id, principalOf(req));
    const disposition = file.kind === 'pdf' ? 'inline' : 'attachment';
    res.set({
      'Content-Type': file.mimeType,
      'Content-Disposition': `${disposition}; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
      'Content-Security-Policy': "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'",
      'Cache-Control': 'private, max-age=3600',
    });
    res.sendFile(file.path);
  });

  router.delete('/:id', remove, async (req, res) => {
    const { id } = parseInput(documentIdParamsSchema, req.params, 'document id');
    await service.remove(id, caller(req));
    res.status(204).end();
  });

  router.post('/:id/retry', write, async (req, res) => {
    const { id } = parseInput(documentIdParamsSchema, req.params, 'document id');
    res.status(202).json(await service.retry(id, principalOf(req)));
  });

  return router;
}
