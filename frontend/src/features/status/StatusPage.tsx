import { useQuery } from '@tanstack/react-query';
import { PageLoading } from '../../app/PageStates.tsx';
import { describeError } from '../../api/errors.ts';
import { Notice } from '../../ui/Notice.tsx';
import { formatBytes, humanize } from '../../ui/format.ts';
import { fetchStatus, type DependencyCheck } from './status.api.ts';
import './status.css';

const NAMES: Record<string, { label: string; role: string }> = {
  ollama: { label: 'Ollama', role: 'Writes answers and embeddings' },
  chroma: { label: 'Chroma', role: 'Vector search' },
  redis: { label: 'Redis', role: 'Queues, cache, live events' },
  sqlite: { label: 'SQLite', role: 'Documents, accounts, conversations' },
  storage: { label: 'Storage', role: 'Original files on disk' },
};
const ORDER = ['ollama', 'chroma', 'redis', 'sqlite', 'storage'];

/** Words for the figures each check reports; anything else is its code name in words. */
const DETAIL_LABELS: Record<string, string> = {
  version: 'Version',
  chatModel: 'Chat model',
  embedModel: 'Embedding model',
  freeBytes: 'Free space',
  totalBytes: 'Disk size',
};

/** The ingest queue's counts, in words. */
const QUEUE_LABELS = { waiting: 'Waiting', active: 'Being processed', delayed: 'Waiting to retry', failed: 'Failed' } as const;

/** Each dependency's health and latency, the ingest queue, and a link to Grafana when one is configured. */
export default function StatusPage() {
  const status = useQuery({ queryKey: ['status'], queryFn: ({ signal }) => fetchStatus(signal), refetchInterval: 10_000, staleTime: 0 });
  const data = status.data;
  const checks: Record<string, DependencyCheck> = data?.checks ?? {};
  const names = [...ORDER.filter((n) => n in checks), ...Object.keys(checks).filter((n) => !ORDER.includes(n))];

  return (
    <div className="page">
      <div className="page-head page-head-row">
        <div>
          <h1>System status</h1>
          {data && (
            <p className="muted" aria-live="polite">
              {data.ready ? 'Everything is working.' : 'Something needs attention.'} Checked at {new Date(data.checkedAt).toLocaleTimeString()}; refreshes every 10 s.
            </p>
          )}
        </div>
        <div className="page-head-actions">
          {data?.grafanaUrl && (
            <a className="button" href={data.grafanaUrl} target="_blank" rel="noopener noreferrer">
              Open Grafana
            </a>
          )}
          <button type="button" className="button" onClick={() => void status.refetch()} disabled={status.isFetching}>
            {status.isFetching ? 'Checking…' : 'Check now'}
          </button>
        </div>
      </div>
      {status.isPending && <PageLoading label="Checking the services…" />}
      {status.isError && <Notice tone="error" title="The status could not be read.">{describeError(status.error)}</Notice>}
      {data && (
        <ul className="status-grid" aria-label="Services">
          {names.map((name) => (
            <DependencyCard key={name} name={name} check={checks[name]!} />
          ))}
        </ul>
      )}
      {data && (
        <section className="card queue" aria-labelledby="queue-title">
          <h2 id="queue-title" className="section-title">
            Ingest queue
          </h2>
          <dl className="queue-figures">
            {(['waiting', 'active', 'delayed', 'failed'] as const).map((k) => (
              <div key={k} className={`queue-figure${k === 'failed' && data.queue[k] > 0 ? ' is-bad' : ''}`}>
                <dt>{QUEUE_LABELS[k]}</dt>
                <dd>{data.queue[k].toLocaleString()}</dd>
              </div>
            ))}
          </dl>
        </section>
      )}
    </div>
  );
}

function DependencyCard({ name, check }: { name: string; check: DependencyCheck }) {
  const meta = NAMES[name] ?? { label: name, role: '' };
  const details = check.details ? Object.entries(check.details).filter(([, v]) => typeof v !== 'object') : [];
  return (
    <li className={`card dependency ${check.ok ? 'is-ok' : 'is-down'}`} data-testid={`dependency-${name}`}>
      <div className="dependency-head">
        <h2 className="dependency-name">{meta.label}</h2>
        <span className={`badge ${check.ok ? 'badge-ready' : 'badge-failed'}`}>{check.ok ? 'Healthy' : 'Unreachable'}</span>
      </div>
      <p className="muted dependency-role">{meta.role}</p>
      <p className="dependency-latency">
        <span className="dependency-figure">{check.latencyMs}</span> ms
      </p>
      {check.error && <p className="dependency-error">{check.error}</p>}
      {details.length > 0 && (
        <dl className="dependency-details">
          {details.map(([k, v]) => (
            <div key={k}>
              <dt>{DETAIL_LABELS[k] ?? humanize(k)}</dt>
              <dd>{/Bytes$/.test(k) && typeof v === 'number' ? formatBytes(v) : String(v)}</dd>
            </div>
          ))}
        </dl>
      )}
    </li>
  );
}
