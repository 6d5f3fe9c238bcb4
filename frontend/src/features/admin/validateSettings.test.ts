import { describe, expect, it } from 'vitest';
import { validateSettings } from './SettingsAdmin.tsx';

const valid = { chatModel: 'llama3.2:3b', embedModel: 'nomic-embed-text', chunkSize: '1200', chunkOverlap: '120', topK: '6', temperature: '0.2', systemPrompt: 'Answer from the sources.' };

describe('settings validation with the shared schema', () => {
  it('accepts valid settings and turns the numbers into numbers', () => {
    const result = validateSettings(valid);
    expect(result).toEqual({ ok: true, value: { ...valid, chunkSize: 1200, chunkOverlap: 120, topK: 6, temperature: 0.2 } });
  });

  it('refuses values out of the schema range, per field', () => {
    const result = validateSettings({ ...valid, topK: '0', temperature: '3', chunkSize: '' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toEqual({ chunkSize: 'Enter a number.', temperature: 'Must be at most 2.', topK: 'Must be at least 1.' });
  });

  it('reports the overlap rule together with the schema errors', () => {
    const result = validateSettings({ ...valid, chunkOverlap: '5000', topK: '0' });
    expect(result).toEqual({ ok: false, errors: { topK: 'Must be at least 1.', chunkOverlap: 'Overlap must be smaller than the chunk size.' } });
  });

  it('refuses an overlap as large as the chunk size', () => {
    const result = validateSettings({ ...valid, chunkOverlap: '1200' });
    expect(result).toEqual({ ok: false, errors: { chunkOverlap: 'Overlap must be smaller than the chunk size.' } });
  });
});
