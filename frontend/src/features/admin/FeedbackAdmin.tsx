import { useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { FeedbackEntryDto } from '@contracts/chat.ts';
import type { Page } from '@contracts/admin.ts';
import { api, apiFetch } from '../../api/client.ts';
import { toast } from '../../ui/toast.tsx';
import { EmptyState } from '../../ui/Notice.tsx';
import { Pager } from '../../ui/Pager.tsx';
import { formatDate } from '../../ui/format.ts';
import { QueryState } from './QueryState.tsx';

const PAGE = 50;

/** Downloads the rated answers as a question file of the retrieval evaluation. */
async function exportQuestions() {
  try {
    const res = await apiFetch('/admin/feedback/export');
    const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'feedback-questions.json';
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch {
    toast('The export failed; try again.', 'error');
  }
}

/** What people said about answers, newest first: the rating, the comment, and the question and answer it is about. */
export function FeedbackAdmin() {
  const [page, setPage] = useState(0);
  const feedback = useQuery({
    queryKey: ['admin', 'feedback', page],
    queryFn: ({ signal }) => api.get<Page<FeedbackEntryDto>>('/admin/feedback', { limit: PAGE, offset: page * PAGE }, signal),
    placeholderData: keepPreviousData,
  });

  return (
    <section className="admin-section" aria-labelledby="feedback-title">
      <h2 id="feedback-title" className="section-title">
        Feedback on answers
      </h2>
      {!feedback.data && <QueryState query={feedback} what="feedback" />}
      {feedback.data && feedback.data.items.length === 0 && <EmptyState title="No feedback yet.">People rate answers with the thumbs under each one.</EmptyState>}
      {feedback.data && feedback.data.items.length > 0 && (
        <>
          <div className="table-wrap card" aria-busy={feedback.isFetching}>
            <table className="table table-stack feedback-table">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Who</th>
                  <th scope="col">Rating</th>
                  <th scope="col">Comment</th>
                  <th scope="col">Question</th>
                  <th scope="col">Answer</th>
                </tr>
              </thead>
              <tbody>
                {feedback.data.items.map((f) => (
                  <tr key={f.messageId} data-testid="feedback-row">
                    <td data-label="When">{formatDate(f.updatedAt)}</td>
                    <td data-label="Who">{f.userEmail ?? '—'}</td>
                    <th scope="row" data-label="Rating" className={f.rating === 'up' ? 'feedback-up' : 'feedback-down'}>
                      {f.rating === 'up' ? 'Good' : 'Bad'}
                    </th>
                    <td data-label="Comment">{f.comment || '—'}</td>
                    <td data-label="Question">{f.question ?? '—'}</td>
                    <td data-label="Answer">
                      <div className="feedback-answer">{f.answer}</div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p>
            <button type="button" className="button button-small" onClick={() => void exportQuestions()}>
              Export as evaluation questions
            </button>{' '}
            Good answers become questions that expect their cited document and pages; bad ones are listed for review (see bench/eval/README.md).
          </p>
          <Pager page={page} pageSize={PAGE} total={feedback.data.total} onPage={setPage} label="Feedback pages" />
        </>
      )}
    </section>
  );
}
