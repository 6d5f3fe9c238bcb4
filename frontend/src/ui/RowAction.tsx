interface RowActionProps {
  /** The verb on the button, e.g. "Delete". */
  label: string;
  /** The name of the row's item: screen readers hear "Delete manual.pdf", not a column of bare "Delete"s. */
  item: string;
  /** Name it "label of item" ("Members of Handbooks") where the label is not a verb. */
  of?: boolean;
  danger?: boolean;
  onClick: () => void;
}

/** A small button in a table row, named after the item it acts on. */
export function RowAction({ label, item, of = false, danger = false, onClick }: RowActionProps) {
  return (
    <button type="button" className={danger ? 'button button-small button-danger-ghost' : 'button button-small'} onClick={onClick} aria-label={`${label}${of ? ' of' : ''} ${item}`}>
      {label}
    </button>
  );
}

/** The heading of the column that holds the row actions: heard by screen readers, not shown. */
export function ActionsHeader() {
  return (
    <th scope="col">
      <span className="visually-hidden">Actions</span>
    </th>
  );
}
