import { useId, useRef, useState, type ChangeEvent, type DragEvent } from 'react';
import { plural } from '../../ui/format.ts';

export const ACCEPTED_TYPES = '.pdf,.docx,.txt,.md,.markdown,.html,.htm,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document,text/plain,text/markdown,text/html';

interface UploadDropzoneProps {
  collectionName: string;
  onFiles: (files: File[]) => void;
}

/** Drop files here or pick them; many at once. The picker button is the keyboard path. */
export function UploadDropzone({ collectionName, onFiles }: UploadDropzoneProps) {
  const inputRef = useRef<HTMLInputElement>(null);
  const hintId = useId();
  const [dragging, setDragging] = useState(false);
  const [added, setAdded] = useState<string | null>(null);

  function accept(files: File[]) {
    if (files.length === 0) return;
    onFiles(files);
    setAdded(`${plural(files.length, 'file')} added to the upload queue.`);
  }

  function handleDragOver(e: DragEvent) {
    if (!e.dataTransfer.types.includes('Files')) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    setDragging(true);
  }

  function handleDragLeave(e: DragEvent) {
    if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
  }

  function handleDrop(e: DragEvent) {
    e.preventDefault();
    setDragging(false);
    accept(Array.from(e.dataTransfer.files));
  }

  function handlePick(e: ChangeEvent<HTMLInputElement>) {
    accept(Array.from(e.target.files ?? []));
    e.target.value = '';
  }

  return (
    <div
      className={`dropzone${dragging ? ' is-dragging' : ''}`}
      onDragOver={handleDragOver}
      onDragEnter={handleDragOver}
      onDragLeave={handleDragLeave}
      onDrop={handleDrop}
      data-testid="dropzone"
    >
      <svg className="dropzone-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <path d="M12 16V4m0 0-4.5 4.5M12 4l4.5 4.5M4 15v3.5A1.5 1.5 0 0 0 5.5 20h13a1.5 1.5 0 0 0 1.5-1.5V15" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
      <p className="dropzone-text">
        <strong>Drop files here</strong> or{' '}
        <button type="button" className="button button-primary button-small" onClick={() => inputRef.current?.click()} aria-describedby={hintId}>
          Choose files
        </button>
      </p>
      <p className="dropzone-hint muted" id={hintId}>
        PDF, DOCX, TXT, Markdown or HTML · into <strong>{collectionName}</strong>
      </p>
      <input ref={inputRef} type="file" multiple accept={ACCEPTED_TYPES} className="visually-hidden" tabIndex={-1} onChange={handlePick} aria-label="Files to upload" data-testid="file-input" />
      <p className="visually-hidden" aria-live="polite">
        {added}
      </p>
    </div>
  );
}
