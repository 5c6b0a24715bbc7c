import { Badge } from '../../../components/ui/badge';
import { formatMoney } from '../../../lib/format-money';

/** Spend against budget; the bar's width is display only, the figures are the API's strings. */
export function BudgetMeter({ spend, budget, alert }: { spend: string; budget: string | null; alert: 'none' | 'warning' | 'exceeded' }) {
  if (!budget)
    return (
      <span>
        {formatMoney(spend)} <span className="muted">· no budget</span>
      </span>
    );
  const ratio = Math.min(1, Number(spend) / Math.max(Number(budget), 1e-12));
  return (
    <div className="budget">
      <div className="budget-figures">
        {formatMoney(spend)} <span className="muted">of {formatMoney(budget)}</span> {alert === 'warning' && <Badge tone="warn">near budget</Badge>}
        {alert === 'exceeded' && <Badge tone="bad">over budget</Badge>}
      </div>
      <div
        className={`meter meter-${alert}`}
        role="meter"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(ratio * 100)}
        aria-label="Budget used"
      >
        <span style={{ width: `${ratio * 100}%` }} />
      </div>
    </div>
  );
}
