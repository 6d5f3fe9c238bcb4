import mammoth from 'mammoth';
import { PermanentIngestError } from '../ingest.errors.ts';
import { htmlToText } from './html-to-text.ts';

// Images are dropped without being read: only text is indexed, and base64 data URIs would
// multiply the memory a picture-heavy document needs.
const skipImages = mammoth.images.imgElement(() => Promise.resolve({ src: '' }));

/** Extracts the text of a Word document, headings as `# ` lines (via mammoth's HTML). */
export async function extractDocxText(filePath: string): Promise<string> {
  let html: string;
  try {
    const result = await mammoth.convertToHtml(
      { path: filePath },
      { convertImage: skipImages, externalFileAccess: false, ignoreEmptyParagraphs: true },
    );
    html = result.value;
  } catch (error) {
    throw new PermanentIngestError(
      'corrupt',
      `the Word document is damaged or incomplete and could not be read (${describe(error)})`,
    );
  }
  return htmlToText(html);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
