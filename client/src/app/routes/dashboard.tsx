import { PageHeader } from '../../components/ui/page-header';
import { QueryState } from '../../components/ui/states';
import { useDashboard } from '../../features/dashboard/api/get-dashboard';
import { DashboardView } from '../../features/dashboard/components/dashboard-view';

export function DashboardRoute() {
  const dashboard = useDashboard();
  return (
    <>
      <PageHeader title="Dashboard" description="Traffic, spend, errors and latency across every client. Today and this month are UTC days and months." />
      <QueryState query={dashboard}>{(d) => <DashboardView d={d} />}</QueryState>
    </>
  );
}
