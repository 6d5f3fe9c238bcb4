import type { Request, RequestHandler } from 'express';
import multer, { MulterError, type StorageEngine } from 'multer';
import type { Config } from '../config.ts';
import { uploadFieldsSchema, type UploadFields } from '../contracts/documents.ts';
import { BadRequestError, ClientClosedRequestError, PayloadTooLargeError } from '../http/errors.ts';
import { parseInput } from '../http/validate.ts';
import type { FileStore, StoredTemp } from './file-store.ts';

export type UploadedFile = Express.Multer.File & StoredTemp;

/** A multer storage engine that streams each part to a temp file while hashing it. */
function hashingStorage(store: FileStore): StorageEngine {
  return {
    _handleFile(_req, file, cb) {
      store.writeTemp(file.stream).then(
        (stored) => cb(null, { ...stored, size: stored.size }),
        (err: Error) => cb(err),
      );
    },
    _removeFile(_req, file, cb) {
      store.discard((file as UploadedFile).tempPath).then(() => cb(null), cb);
    },
  };
}

const MESSAGES: Partial<Record<MulterError['code'], string>> = {
  LIMIT_FILE_COUNT: 'too many files in one upload',
  LIMIT_UNEXPECTED_FILE: 'files must be sent in the "files" field',
  LIMIT_PART_COUNT: 'too many parts in the form',
  LIMIT_FIELD_COUNT: 'too many form fields',
  LIMIT_FIELD_KEY: 'a form field name is too long',
  LIMIT_FIELD_VALUE: 'a form field value is too long',
  MISSING_FIELD_NAME: 'a form part has no field name',
};

/**
 * Parses a multipart upload into temp files under the limits in config and checks its form fields
 * (a bad field discards the temp files); maps multer's errors to ours. `uploadedForm` reads the result.
 */
export function uploadMiddleware(config: Pick<Config, 'upload'>, store: FileStore): RequestHandler {
  const { maxFileBytes, maxFiles, maxFields } = config.upload;
  const parse = multer({
    storage: hashingStorage(store),
    defParamCharset: 'utf8',
    limits: {
      fileSize: maxFileBytes,
      files: maxFiles,
      fields: maxFields,
      parts: maxFiles + maxFields,
      fieldNameSize: 100,
      fieldSize: 1024,
    },
  }).array('files', maxFiles);

  return (req, res, next) => {
    if (!req.is('multipart/form-data')) {
      next(new BadRequestError('send the files as multipart/form-data in the "files" field'));
      return;
    }
    parse(req, res, (err: unknown) => {
      if (!err) return void checkFields(req, store).then(() => next(), next);
      // The client hung up mid-upload (or was cut off by the request timeout); multer's temp files are gone.
      if (req.readableAborted || req.socket.destroyed) return next(new ClientClosedRequestError());
      if (err instanceof MulterError) {
        if (err.code === 'LIMIT_FILE_SIZE') {
          return next(new PayloadTooLargeError(`a file is larger than the ${Math.round(maxFileBytes / 1048576)} MB limit`));
        }
        return next(new BadRequestError(MESSAGES[err.code] ?? err.message, undefined, 'invalid_upload'));
      }
      // busboy's own errors: a malformed or truncated multipart body.
      const message = (err as Error).message ?? '';
      if (/multipart|boundary|unexpected end|part terminated|malformed/i.test(message)) {
        return next(new BadRequestError('the multipart body is malformed or incomplete', undefined, 'invalid_upload'));
      }
      next(err);
    });
  };
}

/** Puts the checked form fields in place of the body; a bad field discards the upload's temp files first. */
async function checkFields(req: Request, store: FileStore): Promise<void> {
  try {
    req.body = parseInput(uploadFieldsSchema, req.body ?? {}, 'form fields');
  } catch (err) {
    await Promise.all(uploadedFiles(req).map((f) => store.discard(f.tempPath)));
    throw err;
  }
}

/** What `uploadMiddleware` made of the request: the temp files (the handler must commit or discard them) and the checked fields. */
export function uploadedForm(req: Request): { files: UploadedFile[]; fields: UploadFields } {
  return { files: uploadedFiles(req), fields: req.body as UploadFields };
}

function uploadedFiles(req: Request): UploadedFile[] {
  return (req.files as UploadedFile[] | undefined) ?? [];
}
