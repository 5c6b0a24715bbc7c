import { Link } from 'react-router';
import { PageHeader } from '../../components/ui/page-header';

export function NotFoundRoute() {
  return (
    <>
      <PageHeader title="Page not found" description="There is no console page at this address." />
      <Link to="/">Go to the dashboard</Link>
    </>
  );
}
