// Deterministic stand-ins for what the models would compute: hashed bag-of-words embeddings
// and an "answer" built by quoting the prompt source that best matches the question.

export const NOT_FOUND_ANSWER = 'I could not find this in the provided documents.';

const WORD = /[\p{L}\p{N}]+/gu;
const SOURCE_START = /^[ \t]*\[(\d{1,4})\][ \t]*/;
// A line like "Question: ..." ends the last source block when sources and question share a message.
const QUESTION_LABEL = /^[ \t]*(question|query|user question|frage)[ \t]*:/i;

const STOP_WORDS = new Set(
  ('a an and are as at be been but by can could did do does for from had has have how i if in into is it its ' +
    'me my no not of on or our so than that the their them then there these they this to was we were what when ' +
    'where which who whom why will with would you your about after all also any before between both each few ' +
    'more most other over same should some such only own too very just please tell according document documents ' +
    'source sources answer question based')
    .split(' '),
);

/** 32-bit FNV-1a over a string slice, so words and trigrams hash without allocating substrings. */
function fnv1a(text: string, start: number, end: number, seed = 0x811c9dc5): number {
  let h = seed;
  for (let i = start; i < end; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function addFeature(vector: Float64Array, hash: number, weight: number): void {
  // The low bits pick the bucket, the top bit the sign, so collisions cancel out on average.
  const bucket = hash % vector.length;
  vector[bucket] = (vector[bucket] ?? 0) + (hash & 0x80000000 ? -weight : weight);
}

/**
 * Feature-hashed embedding: lower-cased words (stop words weigh less) plus character trigrams of
 * each word, L2-normalised. Same text -> same vector; shared words -> high cosine similarity.
 */
export function embedText(text: string, dim: number): number[] {
  const vector = new Float64Array(dim);
  const lower = text.toLowerCase();
  WORD.lastIndex = 0;
  for (let m = WORD.exec(lower); m !== null; m = WORD.exec(lower)) {
    const start = m.index;
    const end = start + m[0].length;
    addFeature(vector, fnv1a(lower, start, end), STOP_WORDS.has(m[0]) ? 0.3 : 1);
    for (let i = start; i + 3 <= end; i++) addFeature(vector, fnv1a(lower, i, i + 3, 0x9747b28c), 0.25);
  }
  let norm = 0;
  for (const v of vector) norm += v * v;
  if (norm < 1e-12) {
    // Empty text (or features that cancelled exactly): a fixed unit vector, never zeros.
    vector.fill(0);
    vector[text.length === 0 ? 0 : fnv1a(text, 0, text.length) % dim] = 1;
    return Array.from(vector);
  }
  const scale = 1 / Math.sqrt(norm);
  return Array.from(vector, (v) => v * scale);
}

/** Content words of a text, lower-cased, stop words dropped, a plural "s" trimmed. */
export function contentWords(text: string): Set<string> {
  const words = new Set<string>();
  for (const [word] of text.toLowerCase().matchAll(WORD)) {
    if (STOP_WORDS.has(word)) continue;
    words.add(word.length > 3 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word);
  }
  return words;
}

export interface PromptSource {
  n: number;
  text: string;
}

export interface ParsedText {
  sources: PromptSource[];
  /** The text outside source blocks (the question, when it shares a message with the sources). */
  rest: string;
}

/**
 * Finds source blocks: a line starting with `[n]` opens one, which runs to the next such line,
 * a "Question:" line, or the end of the text.
 */
export function parseSources(text: string): ParsedText {
  const sources: PromptSource[] = [];
  const rest: string[] = [];
  let current: { n: number; lines: string[] } | null = null;
  // The rest of a source's [n] line is its label (file, page); a blank line keeps it a sentence of its own.
  const flush = () => {
    if (current) {
      const [label = '', ...body] = current.lines;
      const text = body.join('\n').trim();
      sources.push({ n: current.n, text: text ? `${label.trim()}\n\n${text}` : label.trim() });
    }
    current = null;
  };
  for (const line of text.split(/\r?\n/)) {
    const start = SOURCE_START.exec(line);
    if (start) {
      flush();
      current = { n: Number(start[1]), lines: [line.slice(start[0].length)] };
    } else if (QUESTION_LABEL.test(line)) {
      flush();
      rest.push(line.replace(QUESTION_LABEL, ''));
    } else if (current) {
      current.lines.push(line);
    } else {
      rest.push(line);
    }
  }
  flush();
  return { sources, rest: rest.join('\n').trim() };
}

function overlap(question: Set<string>, text: string): number {
  let count = 0;
  for (const word of contentWords(text)) if (question.has(word)) count++;
  return count;
}

function sentencesOf(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\n\s*\n+/)
    .map((s) => s.replace(/\s+/g, ' ').trim())
    .filter((s) => s.length > 0);
}

/**
 * The emulated model's answer: quote the sentence that best matches the question from the source
 * with the largest word overlap, citing it as `[n]`; otherwise say the answer was not found.
 */
export function answerQuestion(question: string, sources: PromptSource[], citeSource: number | null = null): string {
  const asked = contentWords(question);
  let best: { source: PromptSource; score: number } | null = null;
  for (const source of sources) {
    const score = overlap(asked, source.text);
    if (score > 0 && (best === null || score > best.score)) best = { source, score };
  }
  // A test can make the model answer from one source of its choosing (when the prompt has it).
  const chosen = citeSource === null ? undefined : sources.find((s) => s.n === citeSource);
  if (chosen) best = { source: chosen, score: overlap(asked, chosen.text) };
  if (best === null) return NOT_FOUND_ANSWER;
  let sentence = '';
  let sentenceScore = -1;
  for (const candidate of sentencesOf(best.source.text)) {
    const score = overlap(asked, candidate);
    if (score > sentenceScore) [sentence, sentenceScore] = [candidate, score];
  }
  return `Based on the documents, ${sentence.replace(/[.!?]+$/, '')} [${best.source.n}].`;
}

export interface PromptMessage {
  role: string;
  content: string;
}

/**
 * Answers a chat: sources from system and user messages (later numbers win), question from the
 * last user message; `citeSource` makes it answer from that source number instead of the best one.
 */
export function answerChat(messages: PromptMessage[], citeSource: number | null = null): string {
  const byNumber = new Map<number, PromptSource>();
  let question = '';
  for (const message of messages) {
    if (message.role !== 'system' && message.role !== 'user') continue;
    const parsed = parseSources(message.content);
    for (const source of parsed.sources) byNumber.set(source.n, source);
    if (message.role === 'user') question = parsed.rest || message.content;
  }
  return answerQuestion(question, [...byNumber.values()].sort((a, b) => a.n - b.n), citeSource);
}

/** Splits an answer into streamable pieces of one word each (or of `chars` characters), keeping the spacing. */
export function streamPieces(answer: string, chars: number | null = null): string[] {
  if (chars) return answer.match(new RegExp(`[^]{1,${chars}}`, 'g')) ?? [];
  return answer.match(/\S+\s*/g) ?? [];
}

/** A rough token count (about four characters a token), as Ollama reports prompt_eval_count. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
