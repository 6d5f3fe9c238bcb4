import { useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useCollections } from '../../api/collections.ts';
import { EmptyState } from '../../ui/Notice.tsx';
import { Pager } from '../../ui/Pager.tsx';
import { formatDate } from '../../ui/format.ts';
import { adminApi, adminKeys, type AuditFilter } from './admin.api.ts';
import { actionLabel, describeDetails, targetLabel, type NameOf } from './auditLabels.ts';
import { QueryState } from './QueryState.tsx';

const PAGE = 50;

/** A day picked in a date field (local time) as the instant it starts, or the instant the next day starts. */
function dayStart(date: string, next = false): string | undefined {
  if (!date) return undefined;
  const [y, m, d] = date.split('-').map(Number);
  return new Date(y!, m! - 1, d! + (next ? 1 : 0)).toISOString();
}

/** Who did what and when, newest first, a page at a time, narrowed by action, person and days. */
export function AuditLog() {
  const [page, setPage] = useState(0);
  const [form, setForm] = useState({ action: '', actorId: '', from: '', to: '' });
  const filter: AuditFilter = {
    action: form.action || undefined,
    actorId: form.actorId || undefined,
    from: dayStart(form.from),
    to: dayStart(form.to, true),
  };
  const audit = useQuery({
    queryKey: adminKeys.audit(page * PAGE, filter),
    queryFn: ({ signal }) => adminApi.audit(PAGE, page * PAGE, filter, signal),
    placeholderData: keepPreviousData,
  });
  const actions = useQuery({ queryKey: adminKeys.auditActions, queryFn: ({ signal }) => adminApi.auditActions(signal) });
  const users = useQuery({ queryKey: adminKeys.users, queryFn: ({ signal }) => adminApi.users(signal) });
  const collections = useCollections();
  const nameOf: NameOf = (id) => collections.data?.find((c) => c.id === id)?.name ?? users.data?.find((u) => u.id === id)?.email;
  const filtered = Object.values(form).some(Boolean);

  function handleChange(key: keyof typeof form, value: string) {
    setForm((prev) => ({ ...prev, [key]: value }));
    setPage(0);
  }

  return (
    <section className="admin-section" aria-labelledby="audit-title">
      <h2 id="audit-title" className="section-title">
        Audit log
      </h2>
      <form className="audit-filters" aria-label="Filter the audit log" onSubmit={(e) => e.preventDefault()}>
        <label>
          Action
          <select value={form.action} onChange={(e) => handleChange('action', e.target.value)}>
            <option value="">All actions</option>
            {(actions.data ?? []).map((a) => (
              <option key={a} value={a}>
                {actionLabel(a)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Person
          <select value={form.actorId} onChange={(e) => handleChange('actorId', e.target.value)}>
            <option value="">Everyone</option>
            {(users.data ?? []).map((u) => (
              <option key={u.id} value={u.id}>
                {u.name ? `${u.name} (${u.email})` : u.email}
              </option>
            ))}
          </select>
        </label>
        <label>
          From
          <input type="date" value={form.from} max={form.to || undefined} onChange={(e) => handleChange('from', e.target.value)} />
        </label>
        <label>
          To
          <input type="date" value={form.to} min={form.from || undefined} onChange={(e) => handleChange('to', e.target.value)} />
        </label>
        {filtered && (
          <button type="button" className="button button-small button-ghost" onClick={() => (setForm({ action: '', actorId: '', from: '', to: '' }), setPage(0))}>
            Clear filters
          </button>
        )}
      </form>
      {!audit.data && <QueryState query={audit} what="audit log" />}
      {audit.data && audit.data.items.length === 0 && <EmptyState title={filtered ? 'Nothing matches these filters.' : 'Nothing recorded yet.'} />}
      {audit.data && audit.data.items.length > 0 && (
        <>
          <div className="table-wrap card" aria-busy={audit.isFetching}>
            <table className="table table-stack audit-table">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Who</th>
                  <th scope="col">Action</th>
                  <th scope="col">About</th>
                  <th scope="col">From</th>
                  <th scope="col">Details</th>
                </tr>
              </thead>
              <tbody>
                {audit.data.items.map((entry) => {
                  const details = describeDetails(entry, nameOf);
                  return (
                    <tr key={entry.id} data-testid="audit-row">
                      <td data-label="When">{formatDate(entry.at)}</td>
                      <td data-label="Who">{entry.actorEmail ?? <span className="muted">system</span>}</td>
                      <th scope="row" data-label="Action" title={entry.action}>
                        {actionLabel(entry.action)}
                      </th>
                      <td data-label="About">{targetLabel(entry, nameOf)}</td>
                      <td data-label="From">{entry.ip ?? '—'}</td>
                      <td data-label="Details" className="audit-details">
                        {details.length > 0 ? (
                          <dl>
                            {details.map((d) => (
                              <div key={d.label}>
                                <dt>{d.label}:</dt>
                                <dd>{d.value}</dd>
                              </div>
                            ))}
                          </dl>
                        ) : (
                          '—'
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <Pager page={page} pageSize={PAGE} total={audit.data.total} onPage={setPage} label="Audit log pages" />
        </>
      )}
    </section>
  );
}
