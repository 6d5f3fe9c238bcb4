import { useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { EmptyState } from '../../ui/Notice.tsx';
import { Pager } from '../../ui/Pager.tsx';
import { formatDate } from '../../ui/format.ts';
import { adminApi, adminKeys } from './admin.api.ts';
import { QueryState } from './QueryState.tsx';

const PAGE = 50;

/** Who did what and when, newest first, a page at a time. */
export function AuditLog() {
  const [page, setPage] = useState(0);
  const audit = useQuery({
    queryKey: adminKeys.audit(page * PAGE),
    queryFn: ({ signal }) => adminApi.audit(PAGE, page * PAGE, signal),
    placeholderData: keepPreviousData,
  });

  return (
    <section className="admin-section" aria-labelledby="audit-title">
      <h2 id="audit-title" className="section-title">
        Audit log
      </h2>
      {!audit.data && <QueryState query={audit} what="audit log" />}
      {audit.data && audit.data.items.length === 0 && <EmptyState title="Nothing recorded yet." />}
      {audit.data && audit.data.items.length > 0 && (
        <>
          <div className="table-wrap card" aria-busy={audit.isFetching}>
            <table className="table table-stack audit-table">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Who</th>
                  <th scope="col">Action</th>
                  <th scope="col">Target</th>
                  <th scope="col">From</th>
                  <th scope="col">Details</th>
                </tr>
              </thead>
              <tbody>
                {audit.data.items.map((entry) => (
                  <tr key={entry.id}>
                    <td data-label="When">{formatDate(entry.at)}</td>
                    <td data-label="Who">{entry.actorEmail ?? <span className="muted">system</span>}</td>
                    <th scope="row" data-label="Action">
                      <code>{entry.action}</code>
                    </th>
                    <td data-label="Target">{entry.target ?? '—'}</td>
                    <td data-label="From">{entry.ip ?? '—'}</td>
                    <td data-label="Details" className="audit-details">
                      {Object.keys(entry.details).length > 0 ? <code>{JSON.stringify(entry.details)}</code> : '—'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager page={page} pageSize={PAGE} total={audit.data.total} onPage={setPage} label="Audit log pages" />
        </>
      )}
    </section>
  );
}
