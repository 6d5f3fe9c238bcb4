import { useState, type FormEvent } from 'react';
import { createCollectionRequestSchema, updateCollectionRequestSchema, type collectionVisibility, type CollectionDto } from '@contracts/admin.ts';
import { describeError } from '../../api/errors.ts';
import { toast } from '../../ui/toast.tsx';
import { adminApi } from './admin.api.ts';
import { Field, FormFooter } from './Field.tsx';
import { fieldErrors, serverFieldErrors, type FieldErrors } from './formErrors.ts';

type Visibility = (typeof collectionVisibility)[number];

interface CollectionFormProps {
  /** Edits this collection; without it, creates one. */
  collection?: CollectionDto;
  onSaved: () => void;
  onCancel?: () => void;
}

export function CollectionForm({ collection, onSaved, onCancel }: CollectionFormProps) {
  const [name, setName] = useState(collection?.name ?? '');
  const [description, setDescription] = useState(collection?.description ?? '');
  const [visibility, setVisibility] = useState<Visibility>(collection?.visibility ?? 'everyone');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);

  async function handleSubmit(e: FormEvent) {
    e.preventDefault();
    const body = { name, description, visibility };
    const parsed = collection ? updateCollectionRequestSchema.safeParse(body) : createCollectionRequestSchema.safeParse(body);
    if (!parsed.success) return setErrors(fieldErrors(parsed.error));
    setErrors({});
    setBusy(true);
    try {
      if (collection) await adminApi.updateCollection(collection.id, parsed.data);
      else await adminApi.createCollection(parsed.data);
      toast(collection ? 'Collection saved.' : `Collection “${name.trim()}” created.`);
      if (!collection) {
        setName('');
        setDescription('');
      }
      onSaved();
    } catch (err) {
      setErrors(serverFieldErrors(err) ?? { _form: describeError(err) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="form form-grid" onSubmit={handleSubmit} noValidate>
      <Field label="Name" error={errors.name}>
        <input value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
      </Field>
      <Field label="Readable by" error={errors.visibility} hint="Admins can always read every collection.">
        <select value={visibility} onChange={(e) => setVisibility(e.target.value as Visibility)}>
          <option value="everyone">Everyone signed in</option>
          <option value="members">Only listed members</option>
        </select>
      </Field>
      <Field label="Description" error={errors.description}>
        <textarea value={description} onChange={(e) => setDescription(e.target.value)} rows={2} />
      </Field>
      <FormFooter error={errors._form} busy={busy} label={collection ? 'Save' : 'Create collection'} busyLabel="Saving…">
        {onCancel && (
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </FormFooter>
    </form>
  );
}
