/**
 * A token bucket per caller, as API Gateway throttles: `burst` requests at once, refilled at
 * `ratePerSecond`. Past it a request is refused with how long to wait.
 */
export interface Throttling {
  ratePerSecond: number;
  burst: number;
}

export function rateLimiter(limits: Throttling, now: () => number = () => Date.now()) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return (caller: string): { allowed: true } | { allowed: false; retryAfterSeconds: number } => {
    const time = now();
    const bucket = buckets.get(caller) ?? { tokens: limits.burst, at: time };
    bucket.tokens = Math.min(
      limits.burst,
      bucket.tokens + ((time - bucket.at) / 1000) * limits.ratePerSecond,
    );
    bucket.at = time;
    buckets.set(caller, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / limits.ratePerSecond)),
    };
  };
}
