import { DOCUMENT_STATUSES, type DocumentStatus } from '@contracts/documents.ts';
import { setQueryParam, useLocation } from '../../app/router.tsx';
import { SORT_KEYS, type DocumentView, type SortKey } from './documentView.ts';

const PAGE_SIZE = 25;
const COLLECTION_KEY = 'rag.collection';

function storedCollection(): string | null {
  try {
    return window.localStorage.getItem(COLLECTION_KEY);
  } catch {
    return null;
  }
}

/**
 * The table's view (collection, search, status, sort, page) lives in the address, so a reload
 * or a shared link shows the same thing; the last collection is remembered for next time.
 */
export function useDocumentsView() {
  const { params } = useLocation();
  const status = params.get('status');
  const sort = params.get('sort');
  const view: DocumentView = {
    search: params.get('q') ?? '',
    status: DOCUMENT_STATUSES.includes(status as DocumentStatus) ? (status as DocumentStatus) : 'all',
    sort: SORT_KEYS.includes(sort as SortKey) ? (sort as SortKey) : 'createdAt',
    dir: params.get('dir') === 'asc' ? 'asc' : params.get('dir') === 'desc' ? 'desc' : sort && sort !== 'createdAt' ? 'asc' : 'desc',
    page: Math.max(0, Number(params.get('page') ?? '1') - 1 || 0),
    pageSize: PAGE_SIZE,
  };
  const collectionId = params.get('collection') ?? storedCollection() ?? 'default';

  return {
    view,
    collectionId,
    setCollection(id: string) {
      try {
        window.localStorage.setItem(COLLECTION_KEY, id);
      } catch {
        // Not remembered; the address still has it.
      }
      setQueryParam('page', null);
      setQueryParam('collection', id);
    },
    setSearch(value: string) {
      setQueryParam('page', null);
      setQueryParam('q', value);
    },
    setStatus(value: DocumentStatus | 'all') {
      setQueryParam('page', null);
      setQueryParam('status', value === 'all' ? null : value);
    },
    /** The same column again flips the direction; a new one starts ascending (dates newest first). */
    setSort(key: SortKey) {
      const dir = view.sort === key ? (view.dir === 'asc' ? 'desc' : 'asc') : key === 'createdAt' ? 'desc' : 'asc';
      setQueryParam('sort', key);
      setQueryParam('dir', dir);
    },
    setPage(page: number) {
      setQueryParam('page', page > 0 ? String(page + 1) : null);
    },
  };
}
