import { useQuery } from '@tanstack/react-query';
import type { CollectionDto } from '@contracts/admin.ts';
import { api } from './client.ts';

export const collectionsKey = ['collections'] as const;

/** The collections this person may read (all of them for admins). */
export function useCollections() {
  return useQuery({
    queryKey: collectionsKey,
    queryFn: ({ signal }) => api.get<{ items: CollectionDto[] }>('/collections', undefined, signal).then((r) => r.items),
    staleTime: 60_000,
  });
}

/** The name to show for a collection id, falling back to the id itself. */
export function collectionName(collections: CollectionDto[] | undefined, id: string): string {
  return collections?.find((c) => c.id === id)?.name ?? id;
}
