import { Webhook } from 'standardwebhooks';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { timeArgument } from '#cli/commands/events.js';
import { type Forwarded, listen } from '#cli/listen.js';
import { createPrsmClient } from '#client/index.js';
import { newSecret } from '#shared/webhooks/signature.js';
import { GENEROUS_WAIT_MS } from '../../support/waits.js';
import { startReceiver } from '../../support/webhook-receiver.js';

const wait = { timeout: GENEROUS_WAIT_MS, interval: 10 };

const SERVER_NOW = '2026-12-01T10:00:00.000Z';
const at = (seconds: number) => new Date(Date.parse(SERVER_NOW) + seconds * 1000).toISOString();
const event = (id: string, seconds: number) => ({
  id,
  type: 'budget.alert',
  timestamp: at(seconds),
  subject: `budget:bud_${id}`,
  data: { threshold: 50 },
});

/** `GET /v1/events` over a list the test appends to, as the API answers it: newest first, `from` inclusive. */
function fakeEventsApi(stored: ReturnType<typeof event>[]) {
  return async (request: Request) => {
    const from = new URL(request.url).searchParams.get('from') ?? '';
    const items = stored
      .filter((e) => e.timestamp >= from)
      .sort((a, b) => b.timestamp.localeCompare(a.timestamp));
    return Response.json(
      { items, nextCursor: null },
      { headers: { date: new Date(SERVER_NOW).toUTCString() } },
    );
  };
}

describe('webhooks listen', () => {
  const closing: (() => Promise<void>)[] = [];
  afterAll(async () => Promise.all(closing.map((close) => close())));

  it('forwards what is stored after it started, late ones too, signed; never what was there or happened before', async () => {
    const receiver = await startReceiver();
    closing.push(receiver.close);
    const stored = [event('old', -10)];
    const secret = newSecret();
    const forwarded: Forwarded[] = [];
    const stop = new AbortController();
    const running = listen({
      client: createPrsmClient({ baseUrl: 'http://api.test', fetch: fakeEventsApi(stored) as typeof fetch }),
      forwardTo: receiver.url,
      secret,
      intervalMs: 5,
      signal: stop.signal,
      onReady: (from) => {
        expect(from).toBe(SERVER_NOW);
        stored.push(event('first', 5));
      },
      onForward: (f) => forwarded.push(f),
    });
    const ids = () => forwarded.map((f) => f.event.id);
    await vi.waitFor(() => expect(ids()).toEqual(['first']), wait);
    // Stored late: one from after the start (forwarded), one from before it (not), then a marker.
    stored.push(event('late', 1), event('before', -1), event('marker', 6));
    await vi.waitFor(() => expect(ids()).toEqual(['first', 'late', 'marker']), wait);
    stop.abort();
    await running;

    expect(forwarded.every((f) => f.status === 200 && f.error === null)).toBe(true);
    expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual(['first', 'late', 'marker']);
    const [first] = receiver.received;
    expect(new Webhook(secret).verify(first!.body, first!.headers as Record<string, string>)).toEqual({
      type: 'budget.alert',
      timestamp: at(5),
      data: { id: 'first', subject: 'budget:bud_first', threshold: 50 },
    });
  });

  it('reports a receiver it cannot reach and goes on', async () => {
    const stored: ReturnType<typeof event>[] = [];
    const forwarded: Forwarded[] = [];
    const stop = new AbortController();
    const running = listen({
      client: createPrsmClient({ baseUrl: 'http://api.test', fetch: fakeEventsApi(stored) as typeof fetch }),
      forwardTo: 'http://127.0.0.1:9/hooks',
      secret: newSecret(),
      intervalMs: 5,
      signal: stop.signal,
      onReady: () => stored.push(event('lost', 1)),
      onForward: (f) => forwarded.push(f),
    });
    await vi.waitFor(() => expect(forwarded).toHaveLength(1), wait);
    stop.abort();
    await running;
    expect(forwarded[0]).toMatchObject({ event: { id: 'lost' }, status: null, error: expect.any(String) });
  });
});

describe('--from and --to times', () => {
  it('takes ISO times and spans ago, and refuses anything else', () => {
    vi.useFakeTimers({ now: new Date(SERVER_NOW) });
    try {
      expect(timeArgument('2h')).toBe(at(-7200));
      expect(timeArgument('30m')).toBe(at(-1800));
      expect(timeArgument('7d')).toBe(at(-7 * 86400));
      expect(timeArgument('2026-12-01T09:00:00+01:00')).toBe('2026-12-01T08:00:00.000Z');
      for (const bad of ['yesterday', '2h ago', '12', '2026-13-45'])
        expect(() => timeArgument(bad)).toThrow();
    } finally {
      vi.useRealTimers();
    }
  });
});
