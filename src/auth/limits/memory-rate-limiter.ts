import { AdmitOutcome, RateRequest, WindowState } from './limit-types';
import { TokenBucket } from './token-bucket';

/** Per-instance rate limits: used without REDIS_URL, and while Redis is unreachable. */
export class MemoryRateLimiter {
  private readonly requests = new Map<string, TokenBucket>();
  private readonly tokens = new Map<string, TokenBucket>();
  private lastSweep = 0;

  admit(req: RateRequest, now = Date.now()): AdmitOutcome {
    this.sweep(now);
    let requests: WindowState | undefined;
    let tokens: WindowState | undefined;
    const rb = req.rpm ? this.bucket(this.requests, req.clientId, req.rpm, now) : undefined;
    const tb = req.tpm ? this.bucket(this.tokens, req.clientId, req.tpm, now) : undefined;
    if (rb && req.rpm) {
      const r = rb.take(req.rpm, 1, now);
      requests = rb.state();
      if (!r.ok) return { ok: false, reason: 'requests', retryAfterS: r.retryAfterS, requests };
    }
    if (tb && req.tpm) {
      const t = tb.take(req.tpm, req.tokens, now);
      tokens = tb.state();
      if (!t.ok) {
        if (rb && req.rpm) rb.give(req.rpm, 1, now); // the request was not admitted after all
        return { ok: false, reason: 'tokens', retryAfterS: t.retryAfterS, requests: rb?.state(), tokens };
      }
    }
    return { ok: true, requests, tokens };
  }

  /** Undo an admission that a later check (the budget) refused. */
  release(req: RateRequest, now = Date.now()): void {
    if (req.rpm) this.requests.get(req.clientId)?.give(req.rpm, 1, now);
    if (req.tpm) this.tokens.get(req.clientId)?.give(req.tpm, req.tokens, now);
  }

  /** Reconcile reserved tokens with the real usage (negative refund = take more). */
  adjustTokens(clientId: string, tpm: number, refund: number, now = Date.now()): void {
    const bucket = this.tokens.get(clientId);
    if (!bucket) return;
    bucket.give(tpm, refund, now);
  }

  private bucket(map: Map<string, TokenBucket>, key: string, capacity: number, now: number): TokenBucket {
    let b = map.get(key);
    if (!b) {
      b = new TokenBucket(capacity, now);
      map.set(key, b);
    }
    return b;
  }

  /** Full buckets carry no information: drop them now and then so memory stays bounded. */
  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const map of [this.requests, this.tokens]) {
      for (const [key, bucket] of map) if (bucket.isFull(now)) map.delete(key);
    }
  }
}
