// A deterministic synthetic corpus: technical-looking English with a Zipf word distribution, so
// FTS posting lists and Chroma neighbourhoods look like those of a real document collection.

/** mulberry32: a small, fast, seedable PRNG (same seed, same corpus on every machine). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// The most frequent words of English prose: they lead the Zipf ranking, as in real text.
const FUNCTION_WORDS = (
  'the of and to a in is that for it as with be on by this are or from at which an not can if ' +
  'each when its these more other also than into has only may one all such using used then two should'
).split(' ');
const ONSETS = ['b', 'c', 'd', 'f', 'g', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'st', 'tr', 'pl', 'gr', 'ch', 'th', 'qu'];
const NUCLEI = ['a', 'e', 'i', 'o', 'u', 'ea', 'io', 'ou', 'ai'];
const CODAS = ['', '', 'n', 'r', 's', 't', 'l', 'x', 'nd', 'ct', 'rm', 'ng'];

export interface Vocabulary {
  words: string[];
  /** Cumulative Zipf weights, for sampling by binary search. */
  cumulative: Float64Array;
  /** Index of the first content word (after the function words). */
  firstContent: number;
}

/** `size` distinct words: English function words first, then pronounceable made-up terms. */
export function vocabulary(size: number, seed: number, exponent = 1.05): Vocabulary {
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const words = [...FUNCTION_WORDS];
  const seen = new Set(words);
  while (words.length < size) {
    const syllables = 1 + Math.floor(rand() * 3) + (rand() < 0.3 ? 1 : 0);
    let w = '';
    for (let s = 0; s < syllables; s++) w += pick(ONSETS) + pick(NUCLEI) + (s === syllables - 1 ? pick(CODAS) : '');
    if (w.length >= 3 && !seen.has(w)) {
      seen.add(w);
      words.push(w);
    }
  }
  const cumulative = new Float64Array(size);
  let total = 0;
  for (let r = 0; r < size; r++) cumulative[r] = total += 1 / (r + 1) ** exponent;
  return { words, cumulative, firstContent: FUNCTION_WORDS.length };
}

/** A word by Zipf rank; `from` skips the most frequent ranks (e.g. function words). */
export function sampleWord(v: Vocabulary, rand: () => number, from = 0): string {
  const lo0 = from === 0 ? 0 : v.cumulative[from - 1]!;
  const target = lo0 + rand() * (v.cumulative[v.cumulative.length - 1]! - lo0);
  let lo = from;
  let hi = v.cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (v.cumulative[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  return v.words[lo]!;
}

/** About `chars` characters of sentences (8 to 24 words each), like one chunk of a manual. */
export function chunkText(v: Vocabulary, rand: () => number, chars: number): string {
  const sentences: string[] = [];
  let length = 0;
  while (length < chars) {
    const n = 8 + Math.floor(rand() * 17);
    const words: string[] = [];
    for (let i = 0; i < n; i++) words.push(sampleWord(v, rand));
    const s = words.join(' ');
    const sentence = `${s[0]!.toUpperCase()}${s.slice(1)}${rand() < 0.1 ? ':' : '.'}`;
    sentences.push(sentence);
    length += sentence.length + 1;
  }
  return sentences.join(' ');
}

/** A section heading of two or three content words. */
export function heading(v: Vocabulary, rand: () => number): string {
  const n = 2 + Math.floor(rand() * 2);
  const words = Array.from({ length: n }, () => sampleWord(v, rand, v.firstContent));
  return `${1 + Math.floor(rand() * 12)}.${1 + Math.floor(rand() * 9)} ${words.join(' ')}`;
}

const OPENERS = ['How do I', 'What is the', 'Why does the', 'When should I use', 'Where is the', 'Explain how', 'What are the'];

/** A question of 2 to 5 content words (frequent terms asked about more often, as people do). */
export function question(v: Vocabulary, rand: () => number): string {
  const n = 2 + Math.floor(rand() * 4);
  const words = Array.from({ length: n }, () => sampleWord(v, rand, v.firstContent));
  return `${OPENERS[Math.floor(rand() * OPENERS.length)]} ${words.join(' ')}?`;
}

/** A UUID-shaped id drawn from the PRNG, so document ids are the same on every run. */
export function seededUuid(rand: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rand() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** 64 hex digits from the PRNG (a stand-in content hash). */
export const seededSha = (rand: () => number) => Array.from({ length: 64 }, () => Math.floor(rand() * 16).toString(16)).join('');
