import type { CollectionDto } from '@contracts/admin.ts';
import { usePopover } from '../../ui/usePopover.ts';

interface CollectionPickerProps {
  collections: CollectionDto[];
  /** Chosen ids; empty means every collection the person may read. */
  value: string[];
  onChange: (ids: string[]) => void;
}

/** Which collections to ask: all (the default) or a chosen few. */
export function CollectionPicker({ collections, value, onChange }: CollectionPickerProps) {
  const { open, setOpen, ref, handleKeyDown } = usePopover();
  // Every collection chosen one by one (as a conversation started with "all" stores them) is still "all".
  const all = value.length === 0 || (collections.length > 0 && collections.every((c) => value.includes(c.id)));
  const summary = all ? 'All collections' : value.length === 1 ? (collections.find((c) => c.id === value[0])?.name ?? value[0]) : `${value.length} collections`;

  function handleToggle(id: string) {
    if (all) return onChange([id]);
    onChange(value.includes(id) ? value.filter((v) => v !== id) : [...value, id]);
  }

  return (
    <div className="picker" ref={ref} onKeyDown={handleKeyDown}>
      <button type="button" className="button button-small button-ghost picker-button" aria-expanded={open} aria-controls="collection-picker" onClick={() => setOpen((v) => !v)}>
        Ask in: <strong>{summary}</strong>
      </button>
      {open && (
        <fieldset className="picker-menu" id="collection-picker">
          <legend className="picker-legend">Collections to ask</legend>
          <label className="check">
            <input type="checkbox" checked={all} onChange={() => onChange([])} />
            All collections
          </label>
          {collections.map((c) => (
            <label key={c.id} className="check">
              <input type="checkbox" checked={!all && value.includes(c.id)} onChange={() => handleToggle(c.id)} />
              {c.name}
              <span className="muted"> ({c.documentCount})</span>
            </label>
          ))}
        </fieldset>
      )}
    </div>
  );
}
