import { Router, type RequestHandler, type Response } from 'express';
import { requirePermission } from '../auth/permissions.ts';
import { actorContext, principalOf } from '../auth/principal.ts';
import { documentIdParamsSchema, fileLinkQuerySchema, listChunksQuerySchema, listDocumentsQuerySchema, type FileLinkDto } from '../contracts/documents.ts';
import { UnauthorizedError } from '../http/errors.ts';
import type { FileLinks } from './file-links.ts';
import { parseInput } from '../http/validate.ts';
import type { DocumentsService } from './documents.service.ts';
import { uploadedForm } from './upload.ts';

/** /api/v1/documents. Readers list and read; editors (and `ingest` keys) upload, delete and retry. */
export function documentsRouter(deps: { service: DocumentsService; fileLinks: FileLinks; upload: RequestHandler; authenticate: RequestHandler }): Router {
  const { service, fileLinks } = deps;
  const router = Router();
  const read = requirePermission('documents:read');
  const write = requirePermission('documents:write');
  const remove = requirePermission('documents:delete');
  const caller = (req: Parameters<RequestHandler>[0]) => ({ principal: principalOf(req), ip: actorContext(req).ip });

  // A signed link opened in a tab, which carries no token: the signature is the credential.
  router.get('/:id/file/:name', (req, res) => {
    const { id } = parseInput(documentIdParamsSchema, { id: req.params.id }, 'document id');
    const { expires, signature } = parseInput(fileLinkQuerySchema, req.query, 'query');
    if (!fileLinks.verify(id, expires, signature)) throw new UnauthorizedError('this link has expired; open the document again from the dashboard');
    sendOriginal(res, service.linkedFile(id));
  });

  router.use(deps.authenticate);

  // Authorised before the body is read, so a viewer's upload is refused without storing a byte.
  router.post('/', write, deps.upload, async (req, res) => {
    const { files, fields } = uploadedForm(req);
    const result = await service.upload(files, fields, caller(req));
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
  router.get('/:id/chunks', read, (req, res) => {
    const { id } = parseInput(documentIdParamsSchema, req.params, 'document id');
    const { limit, offset } = parseInput(listChunksQuerySchema, req.query, 'query');
    res.json(service.chunks(id, principalOf(req), limit, offset));
  });

  router.get('/:id/file', read, (req, res) => {
    const { id } = parseInput(documentIdParamsSchema, req.params, 'document id');
    sendOriginal(res, service.originalFile(id, principalOf(req)));
  });

  // A link to the original that a tab can open: it ends in the file's name, so the tab is titled
  // with it and saves under it.
  router.post('/:id/file-link', read, (req, res) => {
    const { id } = parseInput(documentIdParamsSchema, req.params, 'document id');
    const file = service.originalFile(id, principalOf(req));
    const { expires, signature } = fileLinks.issue(id);
    const url = `${req.baseUrl}/${encodeURIComponent(id)}/file/${encodeURIComponent(file.filename)}?expires=${expires}&signature=${signature}`;
    res.json({ url, expiresAt: new Date(expires * 1000).toISOString() } satisfies FileLinkDto);
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

/**
 * Sends an original file under its own name (RFC 6266 filename*, with an ASCII fallback). Only
 * PDFs open inline (for #page=N links); anything else downloads, and with nosniff and the sandbox
 * CSP an uploaded HTML or SVG file never runs as a page of this site, even if opened directly.
 */
function sendOriginal(res: Response, file: { path: string; filename: string; kind: string; mimeType: string }): void {
  const disposition = file.kind === 'pdf' ? 'inline' : 'attachment';
  const ascii = file.filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  res.set({
    'Content-Type': file.kind === 'html' ? 'text/plain; charset=utf-8' : file.mimeType,
    'Content-Disposition': `${disposition}; filename="${ascii}"; filename*=UTF-8''${encodeRfc5987(file.filename)}`,
    'Content-Security-Policy': "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'",
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'private, max-age=3600',
  });
  res.sendFile(file.path);
}

/** encodeURIComponent leaves ' ( ) * unescaped, which RFC 5987 does not allow in a value. */
const encodeRfc5987 = (value: string) => encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
