import { Card } from '../../components/ui/card';
import { PageHeader } from '../../components/ui/page-header';
import { QueryState } from '../../components/ui/states';
import { usePrices, useProviders } from '../../features/providers/api/providers';
import { PriceTable } from '../../features/providers/components/price-table';
import { ProviderCard } from '../../features/providers/components/provider-card';

export function ProvidersRoute() {
  const providers = useProviders();
  const prices = usePrices();
  return (
    <>
      <PageHeader
        title="Providers"
        description="Upstream accounts: keys (write-only), base URLs, timeouts, a live test call, and the prices every call is billed at."
      />
      <QueryState query={providers}>
        {(p) => (
          <div className="grid-cards">
            {p.items.map((item) => (
              <ProviderCard key={`${item.name}-${item.api_key ?? ''}-${item.enabled}`} provider={item} />
            ))}
          </div>
        )}
      </QueryState>
      <Card title="Prices (USD per million tokens)" titleId="prices-title">
        <QueryState query={prices}>{(p) => <PriceTable prices={p.items} />}</QueryState>
      </Card>
    </>
  );
}
