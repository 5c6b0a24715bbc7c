import { CallCost } from './generation.types';
import { ModelTarget } from '../routing/model-resolver.service';
import { AdmittedCall, CallRecord, UsageAccountingService } from './usage-accounting.service';

/**
 * The life every call shares once planned: admitted (UsageAccountingService.admitPrepared / admitTarget),
 * routed, then recorded once, whatever the kind of call:
 *
 *   const call = await accounting.admitTarget(...);
 *   const routed = await routeAdmitted(accounting, call, router.run(targets, signal, attempt));
 *   const latencyMs = await finishRouted(accounting, call, routed.target, cost, routed.attempts);
 *
 * routeAdmitted takes the routing already started (router.run or router.openStream), so no closure is
 * made for it; a stream routes the same way and records its own end (time to first event, a cut stream).
 */

/** The routed value; a call no provider answered is recorded (error, or cancelled with its input) and its error rethrown. */
export async function routeAdmitted<T>(accounting: UsageAccountingService, call: AdmittedCall, routing: Promise<T>): Promise<T> {
  try {
    return await routing;
  } catch (error) {
    await accounting.finishUnrouted(call.admission, call.base, call.primary, call.cancelledInputTokens, error, performance.now() - call.started, call.hooks);
    throw error;
  }
}

/** Records a call that `target` answered, with its cost; the latency it recorded. */
export async function finishRouted(
  accounting: UsageAccountingService,
  call: AdmittedCall,
  target: ModelTarget,
  cost: CallCost,
  attempts: number,
): Promise<number> {
  const latencyMs = performance.now() - call.started;
  const base = call.base;
  // written out rather than spread from base: one allocation of a known shape on every call
  const record: CallRecord = {
    id: base.id,
    createdAt: base.createdAt,
    caller: base.caller,
    endpoint: base.endpoint,
    provider: target.providerId,
    model: target.model,
    requestedModel: base.requestedModel,
    template: base.template,
    metadata: base.metadata,
    isStream: base.isStream,
    cost,
    latencyMs,
    status: 'success',
    attempts,
  };
  await accounting.finish(call.admission, record, call.hooks);
  return latencyMs;
}
