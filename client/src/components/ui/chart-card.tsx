import { useId, type ReactNode } from 'react';
import { Card } from './card';
import { QueryState, type QueryLike } from './states';

interface Shown {
  title: string;
  query?: undefined;
  /** shown instead of the children when set: the card's "nothing here yet" */
  empty?: ReactNode;
  children: ReactNode;
}

interface Queried<T> {
  title: string;
  /** the card's own query: loading and error states come with it */
  query: QueryLike<T>;
  empty?: (data: T) => ReactNode | null;
  children: (data: T) => ReactNode;
}

/**
 * A titled card holding one chart or table, as on the dashboard: its body, or its
 * empty state, or — when the card has a query of its own — loading and error first.
 */
export function ChartCard<T>(props: Shown | Queried<T>) {
  const titleId = useId();
  return (
    <Card title={props.title} titleId={titleId}>
      {props.query !== undefined ? (
        <QueryState query={props.query} empty={props.empty}>
          {props.children}
        </QueryState>
      ) : props.empty ? (
        props.empty
      ) : (
        props.children
      )}
    </Card>
  );
}
