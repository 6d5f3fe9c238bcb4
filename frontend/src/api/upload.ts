import type { UploadResultDto } from '@contracts/documents.ts';
import { withSession } from './client.ts';
import { NetworkError, toApiError } from './errors.ts';
import { apiUrl } from './http.ts';

export interface UploadProgress {
  loaded: number;
  total: number;
}

export interface UploadRequest {
  file: File;
  collectionId: string;
  onProgress: (progress: UploadProgress) => void;
  /** Called when the last byte has left the browser (the server is now storing and checking it). */
  onSent?: () => void;
  signal?: AbortSignal;
}

function sendOnce(req: UploadRequest, token: string | null): Promise<UploadResultDto> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', apiUrl('/documents'));
    xhr.responseType = 'text';
    xhr.setRequestHeader('Accept', 'application/json');
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.upload.onprogress = (e) => req.onProgress({ loaded: e.loaded, total: e.lengthComputable ? e.total : req.file.size });
    xhr.upload.onload = () => req.onSent?.();
    xhr.onerror = () => reject(new NetworkError());
    xhr.onabort = () => reject(new DOMException('upload cancelled', 'AbortError'));
    xhr.onload = () => {
      let body: unknown;
      try {
        body = xhr.responseText ? (JSON.parse(xhr.responseText) as unknown) : null;
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as UploadResultDto);
      else reject(toApiError(xhr.status, body, { get: (name: string) => xhr.getResponseHeader(name) }));
    };
    req.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    const form = new FormData();
    form.append('collectionId', req.collectionId);
    form.append('files', req.file, req.file.name);
    xhr.send(form);
  });
}

/**
 * Uploads one file with XMLHttpRequest, because only it reports the bytes sent. Same session
 * rules as every other call (`withSession`): one refresh on a 401, then the session ends.
 */
export function uploadFile(req: UploadRequest): Promise<UploadResultDto> {
  return withSession((token) => sendOnce(req, token));
}
