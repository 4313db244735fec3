import { describe, expect, it } from 'vitest';
import { useRuntime } from '../support/runtime.js';

/** The local gateway throttles each API key as the stack's API Gateway stage does. */
const t = useRuntime(import.meta.filename, { throttling: { ratePerSecond: 5, burst: 10 } });

describe('Local runtime: throttling', () => {
  it("answers API Gateway's own 429 past the burst of one key, and not for another key", async () => {
    const responses = await Promise.all(
      Array.from({ length: 15 }, () => t.api('GET', '/v1/accounts/me', { key: t.adminKey })),
    );
    const throttled = responses.filter((r) => r.status === 429);
    expect(throttled.length).toBeGreaterThanOrEqual(5);
    // Exactly what an API Gateway stage answers when it throttles: no problem+json, no Retry-After.
    expect(throttled[0]?.headers.get('content-type')).toBe('application/json');
    expect(throttled[0]?.headers.get('retry-after')).toBeNull();
    expect(throttled[0]?.body).toEqual({ message: 'Too Many Requests' });
    expect((await t.api('GET', '/v1/health')).status).toBe(200);
  });
});
