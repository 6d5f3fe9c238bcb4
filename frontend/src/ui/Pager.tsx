interface PagerProps {
  /** Zero-based. */
  page: number;
  pageSize: number;
  total: number;
  onPage: (page: number) => void;
  label: string;
}

/** Previous / next with "21–40 of 95"; labelled so a screen reader knows which list it pages. */
export function Pager({ page, pageSize, total, onPage, label }: PagerProps) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const first = total === 0 ? 0 : page * pageSize + 1;
  const last = Math.min(total, (page + 1) * pageSize);
  return (
    <nav className="pager" aria-label={label}>
      <span className="pager-range" aria-live="polite">
        {first.toLocaleString()}–{last.toLocaleString()} of {total.toLocaleString()}
      </span>
      {pages > 1 && (
        <>
          <button type="button" className="button button-small" onClick={() => onPage(page - 1)} disabled={page <= 0}>
            Previous
          </button>
          <span className="pager-page">
            Page {page + 1} of {pages}
          </span>
          <button type="button" className="button button-small" onClick={() => onPage(page + 1)} disabled={page >= pages - 1}>
            Next
          </button>
        </>
      )}
    </nav>
  );
}
