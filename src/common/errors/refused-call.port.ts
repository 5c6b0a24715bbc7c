import type { RequestWithCaller } from '../caller';
import type { ErrorCode } from './error-codes';

/**
 * What the exception filter needs to record a client call refused before it
 * reached a provider (bad key, validation, limits …). Billing implements it
 * (RejectionRecorder) and binds it to REFUSED_CALL_RECORDER, so common/ knows
 * no feature module. Requests whose usage is already recorded
 * (`usageRecorded`) are skipped.
 */
export interface RefusedCallRecorder {
  recordIfClientCall(req: RequestWithCaller, code: ErrorCode, message: string, httpStatus: number): Promise<void>;
}

export const REFUSED_CALL_RECORDER = Symbol('REFUSED_CALL_RECORDER');
