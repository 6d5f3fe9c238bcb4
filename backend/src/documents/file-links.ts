import { createHmac, timingSafeEqual } from 'node:crypto';

/** How long a link to an original file works: long enough for a PDF viewer's later range requests. */
export const FILE_LINK_TTL_S = 15 * 60;

/**
 * Short-lived links to one document's original file. A browser tab cannot send the access token,
 * so the dashboard asks for a link (with its token, access checked then) and opens the real URL,
 * which ends in the file's name: the tab is titled with it and saves under it. Signed with a key
 * derived from the server secret; a link names one document and expires.
 */
export function createFileLinks(secret: string) {
  const key = createHmac('sha256', secret).update('document-file-links').digest();
  const sign = (documentId: string, expires: number) => createHmac('sha256', key).update(`${documentId}\n${expires}`).digest('base64url');

  return {
    /** The query of a link for this document, valid FILE_LINK_TTL_S from now. */
    issue(documentId: string, nowMs = Date.now()): { expires: number; signature: string } {
      const expires = Math.floor(nowMs / 1000) + FILE_LINK_TTL_S;
      return { expires, signature: sign(documentId, expires) };
    },
    /** Whether a link's query is this document's and still valid. */
    verify(documentId: string, expires: number, signature: string, nowMs = Date.now()): boolean {
      if (!Number.isSafeInteger(expires) || expires < nowMs / 1000) return false;
      const expected = Buffer.from(sign(documentId, expires));
      const given = Buffer.from(signature);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}

export type FileLinks = ReturnType<typeof createFileLinks>;
