const STOP_WORDS = new Set(
  `a an and are as at be been but by can could did do does for from had has have how i if in into is it its
   me my no not of on or our so than that the their them then there these they this to was we were what when
   where which who whom why will with would you your about after before between during over under up down out
   also any all some such only own same very just should shall may might must tell say says said`
    .split(/\s+/)
    .filter(Boolean),
);

/** The content words of a question, lower-cased, without stop words, at most `max`. */
export function contentWords(text: string, max = 24): string[] {
  const words = text.toLowerCase().normalize('NFKC').match(/[\p{L}\p{N}]+/gu) ?? [];
  const seen = new Set<string>();
  for (const w of words) {
    if (w.length >= 2 && !STOP_WORDS.has(w)) seen.add(w);
    if (seen.size >= max) break;
  }
  return [...seen];
}
