import { PageHeader } from '../../components/ui/page-header';

export function PlaceholderRoute({ title }: { title: string }) {
  return <PageHeader title={title} description="This page is on its way." />;
}
