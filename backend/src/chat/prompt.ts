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

/**
 * Builds the messages for the model within a character budget: the question always, then as many
 * sources as fit (best first, the last one cut if needed), then recent history with what is left.
 * Returns the sources actually used, numbered from 1.
 */
export function buildPrompt(input: PromptInput): { messages: ChatMessage[]; used: RetrievedChunk[] } {
  const instructions = input.systemPrompt ?? SYSTEM_PROMPT;
  let left = input.budgetChars - instructions.length - input.question.length - 200;
  const historyBudget = Math.floor(left / 4);
  const blocks: string[] = [];
  const used: RetrievedChunk[] = [];
  for (const source of input.sources) {
    const header = `[${used.length + 1}] ${describe(source)}\n`;
    const room = left - historyBudget - header.length;
    if (room < 200) break;
    const safe = fenceSafe(source.text);
    const text = safe.length > room ? `${safe.slice(0, room)}…` : safe;
    blocks.push(header + text);
    used.push(source);
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
  return { messages: [{ role: 'system', content: system }, ...history, { role: 'user', content: input.question }], used };
}

function describe(source: RetrievedChunk): string {
  const where = source.page !== null ? `, page ${source.page}` : '';
  const heading = source.heading ? ` — ${source.heading}` : '';
  return `(${source.filename}${where}${heading})`;
}
