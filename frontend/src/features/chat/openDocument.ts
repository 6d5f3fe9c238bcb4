import type { FileLinkDto } from '@contracts/documents.ts';
import { api } from '../../api/client.ts';

/** Where the original file of a document is served, at a page (PDF viewers honour #page=N). */
export function documentFileUrl(documentId: string, page: number | null): string {
  return `/api/v1/documents/${encodeURIComponent(documentId)}/file${page ? `#page=${page}` : ''}`;
}

/**
 * Opens the original file in a new tab. The tab is opened at once (inside the click, so no popup
 * blocker objects), then pointed at a short-lived signed link the server gives for the access
 * token: a real address on the API that ends in the file's name, so the tab is titled with it
 * and saves under it (a blob: URL would be titled with a UUID, and would run uploaded HTML as
 * part of this site).
 */
export async function openDocumentFile(documentId: string, filename: string, page: number | null): Promise<void> {
  // Only PDFs open in a tab; anything else the server sends as a download, which needs no tab.
  if (!/\.pdf$/i.test(filename)) return downloadDocumentFile(documentId, filename);
  const tab = window.open('', '_blank');
  try {
    const link = await fileLink(documentId);
    const target = page ? `${link.url}#page=${page}` : link.url;
    if (tab) {
      tab.opener = null;
      tab.location.href = target;
    } else window.location.assign(target);
  } catch (err) {
    tab?.close();
    throw err;
  }
}

/** Saves the original file under its own name, without leaving the page. */
export async function downloadDocumentFile(documentId: string, filename: string): Promise<void> {
  const link = await fileLink(documentId);
  const a = document.createElement('a');
  a.href = link.url;
  a.download = filename;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
}

const fileLink = (documentId: string) => api.post<FileLinkDto>(`/documents/${encodeURIComponent(documentId)}/file-link`);
