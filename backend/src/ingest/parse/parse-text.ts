import { readFile } from 'node:fs/promises';

/**
 * Reads a UTF-8 text file (TXT, Markdown, HTML source). The BOM is dropped; a stray invalid
 * byte becomes U+FFFD rather than failing the whole document (the upload check already
 * rejected files that are not text at all).
 */
export async function readUtf8(filePath: string): Promise<string> {
  const bytes = await readFile(filePath);
  return new TextDecoder('utf-8', { fatal: false, ignoreBOM: false }).decode(bytes);
}
