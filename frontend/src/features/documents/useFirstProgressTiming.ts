import { useEffect, useRef } from 'react';
import type { LiveDocument } from './documents.api.ts';
import type { UploadItem } from './uploadQueue.ts';

/**
 * Records, as a performance measure, the time from an upload's last byte to the first processing
 * state shown for it, so the figure can be read from the browser (DevTools, or the browser tests).
 */
export function useFirstProgressTiming(item: UploadItem, doc: LiveDocument | undefined): void {
  const recorded = useRef(false);
  const shown = doc !== undefined && doc.status !== 'queued';
  useEffect(() => {
    if (recorded.current || !shown || item.sentAt === null || typeof performance.measure !== 'function') return;
    recorded.current = true;
    performance.measure(`upload-to-first-progress:${item.name}`, { start: item.sentAt, end: performance.now() });
  }, [shown, item.sentAt, item.name]);
}
