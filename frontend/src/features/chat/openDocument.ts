import { apiFetch } from '../../api/client.ts';

/** Where the original file of a document is served, at a page (PDF viewers honour #page=N). */
export function documentFileUrl(documentId: string, page: number | null): string {
  return `/api/v1/documents/${encodeURIComponent(documentId)}/file${page ? `#page=${page}` : ''}`;
}

/**
 * Opens the original file in a new tab with the access token: the tab is opened at once (inside
 * the click, so no popup blocker objects), then pointed at the file fetched with the token.
 */
export async function openDocumentFile(documentId: string, page: number | null): Promise<void> {
  const tab = window.open('', '_blank');
  try {
    const res = await apiFetch(`/documents/${encodeURIComponent(documentId)}/file`, { headers: { Accept: '*/*' } });
    const url = URL.createObjectURL(await res.blob());
    const target = page ? `${url}#page=${page}` : url;
    if (tab) {
      tab.opener = null;
      tab.location.href = target;
    } else window.location.assign(target);
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch (err) {
    tab?.close();
    throw err;
  }
}
