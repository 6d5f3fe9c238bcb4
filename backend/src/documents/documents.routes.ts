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

  // The original upload. Only PDFs open inline (for #page=N links); anything else downloads, and
  // the sandbox CSP keeps an uploaded HTML file from running as part of this site.
  router.get('/:id/file', (req, res) => {
    const { id } = parseInput(documentIdParamsSchema, req.params, 'document id');
    const file = service.originalFile(id);
    const disposition = file.kind === 'pdf' ? 'inline' : 'attachment';
    res.set({
      'Content-Type': file.mimeType,
      'Content-Disposition': `${disposition}; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
      'Content-Security-Policy': "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'",
      'Cache-Control': 'private, max-age=3600',
    });
    res.sendFile(file.path);
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
