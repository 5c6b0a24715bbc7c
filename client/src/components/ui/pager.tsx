import { useState } from 'react';
import { Button } from './button';

export interface CursorPages {
  /** the cursor of the page shown; undefined on the first */
  cursor: string | undefined;
  isFirst: boolean;
  next: (cursor: string) => void;
  previous: () => void;
}

/** Keyset paging: the cursors of the pages visited, so Previous goes back although the API only pages forward. */
export function useCursorPages(): CursorPages {
  const [cursors, setCursors] = useState<string[]>([]);
  return {
    cursor: cursors[cursors.length - 1],
    isFirst: cursors.length === 0,
    next: (cursor) => setCursors((c) => [...c, cursor]),
    previous: () => setCursors((c) => c.slice(0, -1)),
  };
}

/** Previous / Next under a list; nothing when the list fits on one page. */
export function Pager({ pages, nextCursor }: { pages: CursorPages; nextCursor: string | null }) {
  if (pages.isFirst && !nextCursor) return null;
  return (
    <div className="pager">
      <Button variant="secondary" size="sm" disabled={pages.isFirst} onClick={pages.previous}>
        Previous
      </Button>
      <Button variant="secondary" size="sm" disabled={!nextCursor} onClick={() => nextCursor && pages.next(nextCursor)}>
        Next
      </Button>
    </div>
  );
}
