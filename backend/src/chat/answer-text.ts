// Markdown images and HTML <img> tags pointing anywhere but a data: URI.
const MARKDOWN_IMAGE = /!\[([^\]\n]{0,500})\]\(\s*<?(?!data:)[^)\s>]{1,2000}>?(?:\s+"[^"\n]{0,500}")?\s*\)/gi;
const HTML_IMAGE = /<img\b[^>]{0,2000}>/gi;

/**
 * Model output is untrusted: a document can tell the model to emit an image whose URL carries
 * data out. Answers the API stores or returns keep the image's alt text and lose the load.
 */
export function neutraliseRemoteImages(text: string): string {
  return text.replace(MARKDOWN_IMAGE, (_m, alt: string) => (alt ? `[image: ${alt}]` : '[image]')).replace(HTML_IMAGE, '[image]');
}

/** Source text can say anything; it must not close the fence that marks it as data. */
export function fenceSafe(text: string): string {
  return text.replace(/<\/?\s*sources\s*>/gi, (m) => m.replace(/</g, '‹').replace(/>/g, '›'));
}
