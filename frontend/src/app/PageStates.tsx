import { Link } from './router.tsx';

export function PageLoading({ label }: { label: string }) {
  return (
    <div className="page-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

export function NotFoundPage() {
  return (
    <div className="page page-narrow">
      <h1>Page not found</h1>
      <p className="muted">There is nothing at this address, or it is not available to your account.</p>
      <p>
        <Link href="/documents">Go to documents</Link>
      </p>
    </div>
  );
}
