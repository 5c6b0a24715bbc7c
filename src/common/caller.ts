import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/** Requests and tokens per minute; null = unlimited. */
export interface RateLimits {
  rpm: number | null;
  tpm: number | null;
}

/**
 * Who is calling a client route, as established by the API-key guard (auth
 * module). Lives in common so every module can read it without importing auth.
 */
export interface Caller {
  clientId: string;
  clientName: string;
  apiKeyId: string;
  /** effective limits: the key's when it narrows them, else the client's; null = unlimited */
  rateLimitRpm: number | null;
  rateLimitTpm: number | null;
  /**
   * Set when the key's own limits are below its client's: the client's limits (one bucket, shared by all its keys)
   * and the key's (a bucket of its own, null where the key narrows nothing). A call takes from both.
   */
  narrowedLimits?: { client: RateLimits; key: RateLimits };
  /** effective allow-lists (intersection of client and key); null = everything */
  allowedProviders: string[] | null;
  allowedModels: string[] | null;
  /** default ordered fallback models for this client */
  fallbackModels: string[] | null;
  metadata: Record<string, unknown>;
}

/**
 * A request as the guard and the gateway leave it: who is calling, its id, and
 * whether the call's usage row is already handed to the recorder (then the
 * exception filter records no refusal for it).
 */
export type RequestWithCaller = Request & { caller?: Caller; id?: string; usageRecorded?: boolean };

export const CurrentCaller = createParamDecorator((_data: unknown, ctx: ExecutionContext): Caller => {
  const caller = ctx.switchToHttp().getRequest<RequestWithCaller>().caller;
  if (!caller) throw new Error('CurrentCaller used on a route without @ClientAuth()');
  return caller;
});

export const CurrentRequestId = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): string => ctx.switchToHttp().getRequest<RequestWithCaller>().id ?? '',
);
