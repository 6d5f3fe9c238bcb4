import type { ChatMessage } from '../clients/ollama.ts';
import type { RetrievedChunk } from '../retrieval/retrieval.service.ts';
import { SYSTEM_PROMPT } from '../settings/system-prompt.ts';
import { fenceSafe } from './answer-text.ts';

export interface PromptInput {
  question: string;
  sources: RetrievedChunk[];
  history: { role: 'user' | 'assistant'; content: string }[];
  budgetChars: number;
  /** The instructions an admin set; the product's default when absent. */
  systemPrompt?: string;
}

/** A source is not worth sending with less of its text than this. */
export const MIN_SOURCE_CHARS = 300;

/**
 * Builds the messages for the model within a character budget: the question always, then the
 * sources, best first, then recent history with what is left. Every source gets an equal share of
 * the room for sources (what a shorter one leaves goes to the ones after it) and is cut to it, so
 * all `sources` reach the model while a share holds at least MIN_SOURCE_CHARS; past that, the last
 * ones are left out and counted in `omitted`. Returns the sources used, numbered from 1.
 */
export function buildPrompt(input: PromptInput): { messages: ChatMessage[]; used: RetrievedChunk[]; omitted: number } {
  const instructions = input.systemPrompt ?? SYSTEM_PROMPT;
  let left = input.budgetChars - instructions.length - input.question.length - 200;
  const historyBudget = Math.floor(left / 4);
  let room = left - historyBudget;
  const blocks: string[] = [];
  const used: RetrievedChunk[] = [];
  const headers = input.sources.map((source, i) => `[${i + 1}] ${describe(source)}\n`);
  // As many sources as can each have MIN_SOURCE_CHARS of text, best first.
  let count = input.sources.length;
  const need = (n: number) => headers.slice(0, n).reduce((sum, h) => sum + h.length + MIN_SOURCE_CHARS + 2, 0);
  while (count > 0 && need(count) > room) count--;
  for (const [i, source] of input.sources.slice(0, count).entries()) {
    const header = headers[i]!;
    const share = Math.floor(room / (count - i)) - header.length - 2;
    const safe = fenceSafe(source.text);
    const text = safe.length > share ? `${safe.slice(0, share - 1)}…` : safe;
    blocks.push(header + text);
    used.push(source);
    room -= header.length + text.length + 2;
    left -= header.length + text.length + 2;
  }

  const history: ChatMessage[] = [];
  let historyLeft = Math.min(historyBudget, left);
  for (const turn of [...input.history].reverse()) {
    if (turn.content.length > historyLeft) break;
    history.unshift({ role: turn.role, content: turn.content });
    historyLeft -= turn.content.length;
  }

  const system = `${instructions}\n\nSources:\n<sources>\n${blocks.join('\n\n')}\n</sources>`;
  return { messages: [{ role: 'system', content: system }, ...history, { role: 'user', content: input.question }], used, omitted: input.sources.length - used.length };
}

function describe(source: RetrievedChunk): string {
  const where = source.page !== null ? `, page ${source.page}` : '';
  const heading = source.heading ? ` — ${source.heading}` : '';
  return `(${source.filename}${where}${heading})`;
}
