import { useEffect, useState, type FormEvent } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { settingsSchema, type SettingsDto } from '@contracts/admin.ts';
import { describeError } from '../../api/errors.ts';
import { Notice } from '../../ui/Notice.tsx';
import { toast } from '../../ui/toast.tsx';
import { adminApi, adminKeys } from './admin.api.ts';
import { Field, FormFooter } from './Field.tsx';
import { fieldErrors, serverFieldErrors, type FieldErrors } from './formErrors.ts';
import { QueryState } from './QueryState.tsx';
import { ModelSelect } from './ModelSelect.tsx';
import { ReindexNotice } from './ReindexNotice.tsx';

type Form = Record<keyof SettingsDto, string>;
const NUMBERS = ['chunkSize', 'chunkOverlap', 'topK', 'temperature'] as const;
/** Settings that only apply to documents ingested after the change. */
const REINDEX_FIELDS: (keyof SettingsDto)[] = ['embedModel', 'chunkSize', 'chunkOverlap'];

const toForm = (s: SettingsDto): Form => ({ ...s, chunkSize: String(s.chunkSize), chunkOverlap: String(s.chunkOverlap), topK: String(s.topK), temperature: String(s.temperature) });

/** Validates with the shared schema, plus the one rule across fields (overlap below chunk size). */
export function validateSettings(form: Form): { ok: true; value: SettingsDto } | { ok: false; errors: FieldErrors } {
  const candidate: Record<string, unknown> = { ...form };
  for (const key of NUMBERS) candidate[key] = form[key].trim() === '' ? Number.NaN : Number(form[key]);
  const parsed = settingsSchema.safeParse(candidate);
  const errors = parsed.success ? {} : fieldErrors(parsed.error);
  const [size, overlap] = [candidate.chunkSize as number, candidate.chunkOverlap as number];
  if (!errors.chunkOverlap && !errors.chunkSize && overlap >= size) errors.chunkOverlap = 'Overlap must be smaller than the chunk size.';
  if (!parsed.success || Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: parsed.data };
}

/** Models (from what Ollama has), chunking, retrieval and generation settings. Only changed fields are sent. */
export function SettingsAdmin() {
  const queryClient = useQueryClient();
  const settings = useQuery({ queryKey: adminKeys.settings, queryFn: ({ signal }) => adminApi.settings(signal) });
  const models = useQuery({ queryKey: adminKeys.models, queryFn: ({ signal }) => adminApi.models(signal) });
  const [form, setForm] = useState<Form | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const [needsReindex, setNeedsReindex] = useState(false);

  useEffect(() => {
    if (settings.data) setForm(toForm(settings.data));
  }, [settings.data]);

  if (!form || !settings.data) return <QueryState query={settings} what="settings" />;
  const saved = settings.data;
  const set = (key: keyof SettingsDto) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });
  const names = models.data?.models.map((m) => m.name) ?? [];
  // Ollama says what each model can do; an Ollama that does not say offers every model for both.
  const able = (capability: string) => (models.data?.models ?? []).filter((m) => m.capabilities === null || m.capabilities.includes(capability)).map((m) => m.name);

  async function handleSubmit(e: FormEvent) {
    e.preventDefault();
    const result = validateSettings(form!);
    if (!result.ok) return setErrors(result.errors);
    const changed = Object.fromEntries(Object.entries(result.value).filter(([k, v]) => saved[k as keyof SettingsDto] !== v)) as Partial<SettingsDto>;
    setErrors({});
    if (Object.keys(changed).length === 0) return toast('Nothing to save: no setting changed.');
    setBusy(true);
    try {
      const next = await adminApi.updateSettings(changed);
      queryClient.setQueryData(adminKeys.settings, next);
      toast('Settings saved.');
      if (REINDEX_FIELDS.some((k) => k in changed)) setNeedsReindex(true);
    } catch (err) {
      setErrors(serverFieldErrors(err) ?? { _form: describeError(err) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="admin-section" aria-labelledby="settings-title">
      <h2 id="settings-title" className="section-title">
        Settings
      </h2>
      {needsReindex && <ReindexNotice onDone={() => setNeedsReindex(false)} />}
      {models.isError && <Notice tone="warning" title="The list of models could not be read from Ollama.">{describeError(models.error)} Models can still be typed in.</Notice>}
      <form className="card form form-grid settings-form" onSubmit={handleSubmit} noValidate>
        <Field label="Chat model" error={errors.chatModel} hint="Writes the answers. Only models that can complete text are offered.">
          <ModelSelect value={form.chatModel} options={able('completion')} installed={names} onChange={set('chatModel')} />
        </Field>
        <Field label="Embedding model" error={errors.embedModel} hint="Only embedding models are offered. Existing documents need re-indexing after a change.">
          <ModelSelect value={form.embedModel} options={able('embedding')} installed={names} onChange={set('embedModel')} />
        </Field>
        <Field label="Chunk size (characters)" error={errors.chunkSize} hint="100 to 20,000.">
          <input type="number" inputMode="numeric" min={100} max={20000} step={50} value={form.chunkSize} onChange={set('chunkSize')} />
        </Field>
        <Field label="Chunk overlap (characters)" error={errors.chunkOverlap} hint="Repeated between neighbouring chunks; below the chunk size.">
          <input type="number" inputMode="numeric" min={0} max={10000} step={10} value={form.chunkOverlap} onChange={set('chunkOverlap')} />
        </Field>
        <Field label="Sources per answer (top-k)" error={errors.topK} hint="1 to 100.">
          <input type="number" inputMode="numeric" min={1} max={100} value={form.topK} onChange={set('topK')} />
        </Field>
        <Field label="Temperature" error={errors.temperature} hint="0 (focused) to 2 (inventive).">
          <input type="number" inputMode="decimal" min={0} max={2} step={0.1} value={form.temperature} onChange={set('temperature')} />
        </Field>
        <div className="form-wide">
          <Field label="System prompt" error={errors.systemPrompt} hint="Up to 8,000 characters. The sources are always added as data, after it.">
            <textarea value={form.systemPrompt} onChange={set('systemPrompt')} rows={6} />
          </Field>
        </div>
        <FormFooter error={errors._form} busy={busy} label="Save settings" busyLabel="Saving…">
          <button type="button" className="button" onClick={() => (setForm(toForm(saved)), setErrors({}))}>
            Reset
          </button>
        </FormFooter>
      </form>
    </section>
  );
}
