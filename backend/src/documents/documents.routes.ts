import { Router, type RequestHandler } from 'express';
import { documentIdParamsSchema, listDocumentsQuerySchema } from '../contracts/documents.ts';
import { parseInput } from '../http/validate.ts';
import type { DocumentsService } from './documents.service.ts';
import { uploadedFiles } from './upload.ts';

export function documentsRouter(service: DocumentsService, upload: RequestHandler): Router {
  const router = Router();

  router.post('/', upload, async (req, res) => {
    const result = await service.upload(uploadedFiles(req), req.body, null);
    res.status(result.documents.some((d) => !d.duplicate) ? 202 : 200).json(result);
  });

  router.get('/', (req, res) => {
    res.json(service.list(parseInput(listDocumentsQuerySchema, req.query, 'query')));
  });

  router.get('/:id', (req, res) => {
    const { id } = parseInput(documentIdParamsSchema, req.params, 'document id');
    res.json(service.get(id));
  });

  router.delete('/:id', async (req, res) => {
    const { id } = parseInput(documentIdParamsSchema, req.params, 'document id');
    await service.remove(id);
    res.status(204).end();
  });

  router.post('/:id/retry', async (req, res) => {
    const { id } = parseInput(documentIdParamsSchema, req.params, 'document id');
    res.status(202).json(await service.retry(id));
  });

  return router;
}
