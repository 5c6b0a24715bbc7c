import { Badge, type Tone } from '../../../components/ui/badge';
import type { LogStatus } from '../api/logs';

const TONE: Record<LogStatus, Tone> = { success: 'ok', error: 'bad', cancelled: 'muted', rate_limited: 'warn', budget_exceeded: 'warn', rejected: 'warn' };

export function StatusBadge({ status }: { status: LogStatus }) {
  return <Badge tone={TONE[status]}>{status.replace('_', ' ')}</Badge>;
}
