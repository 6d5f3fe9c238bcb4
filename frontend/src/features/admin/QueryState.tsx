import type { UseQueryResult } from '@tanstack/react-query';
import { describeError } from '../../api/errors.ts';
import { PageLoading } from '../../app/PageStates.tsx';
import { Notice } from '../../ui/Notice.tsx';

/** Loading and error states of an admin query; renders nothing once there is data. */
export function QueryState({ query, what }: { query: UseQueryResult<unknown>; what: string }) {
  if (query.isPending) return <PageLoading label={`Loading ${what}…`} />;
  if (!query.isError) return null;
  return (
    <Notice tone="error" title={`The ${what} could not be loaded.`} action={<button type="button" className="button button-small" onClick={() => void query.refetch()}>Try again</button>}>
      {describeError(query.error)}
    </Notice>
  );
}
