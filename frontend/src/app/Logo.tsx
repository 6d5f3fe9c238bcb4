/** The product mark: an inline SVG (no image request) and the name. */
export function Logo() {
  return (
    <span className="logo">
      <svg className="logo-mark" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <path d="M5 3h9l5 5v13H5z" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinejoin="round" />
        <path d="M14 3v5h5" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinejoin="round" />
        <circle cx="11" cy="14" r="3" fill="none" stroke="currentColor" strokeWidth="1.8" />
        <path d="m13.2 16.2 2.3 2.3" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
      </svg>
      <span className="logo-name">On-prem RAG</span>
    </span>
  );
}
