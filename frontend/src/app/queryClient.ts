import { QueryClient } from '@tanstack/react-query';
import { ApiError, NetworkError, ServerError, ServiceUnavailableError } from '../api/errors.ts';

/** Retry only what may pass on a second try (network, 5xx); a 4xx answer will not change. */
function shouldRetry(failureCount: number, error: unknown): boolean {
  if (failureCount >= 2) return false;
  if (error instanceof NetworkError || error instanceof ServerError || error instanceof ServiceUnavailableError) return true;
  return !(error instanceof ApiError);
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: shouldRetry, staleTime: 10_000, refetchOnWindowFocus: true },
      mutations: { retry: false },
    },
  });
}
