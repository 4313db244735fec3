import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedFiles, type OpenApiDocument } from '#client/codegen.js';
import { createPrsmClient, eachItem, PrsmProblem, unwrap } from '#client/index.js';
import type { Clock } from '#platform/clock.js';
import { useRuntime } from '../support/runtime.js';

/**
 * The typed client against the local runtime, whose gateway throttles each key as API Gateway
 * does. Its clock is held still and moves only when the client waits before a retry (the
 * client's `sleep` moves it), so the gateway's 429s are real and the test never waits on time.
 */
let now = new Date('2026-01-01T00:00:00Z');
const clock: Clock = { now: () => now };
const t = useRuntime(import.meta.filename, {
  throttling: { ratePerSecond: 1, burst: 10 },
  throttlingClock: clock,
});
const waitOnClock = async (ms: number) => {
  now = new Date(now.getTime() + ms);
};

/** A client whose fetch records what it sent and what came back. */
function recordingClient(apiKey: string) {
  const exchanges: { key: string | null; status: number }[] = [];
  const recording = (async (request: Request) => {
    const response = await fetch(request);
    exchanges.push({ key: request.headers.get('idempotency-key'), status: response.status });
    return response;
  }) as typeof fetch;
  const client = createPrsmClient({
    baseUrl: t.runtime.url,
    apiKey,
    fetch: recording,
    retry: { retries: 8, sleep: waitOnClock },
  });
  return { client, exchanges };
}

describe('client: generated from the served document', () => {
  it('has committed types that match what GET /v1/openapi.json serves (npm run client:generate)', async () => {
    const served = (await (await fetch(`${t.runtime.url}/v1/openapi.json`)).json()) as OpenApiDocument;
    for (const [name, text] of Object.entries(await generatedFiles(served))) {
      const committed = await readFile(
        join(import.meta.dirname, '..', '..', 'client', 'generated', name),
        'utf8',
      );
      expect(committed, `client/generated/${name} drifted: run npm run client:generate`).toBe(text);
    }
  });
});

describe('client: against the runtime', () => {
  it("retries the gateway's real 429s with the same Idempotency-Key, and every transfer happens once", async () => {
    const ada = await t.newUser('Ada');
    const bob = await t.newUser('Bob');
    expect((await t.grant(ada.id, '100')).status).toBe(201);
    const { client, exchanges } = recordingClient(ada.key);

    // 14 at once against a burst of 10: the last ones are throttled until the clock moves on.
    const transfers = await Promise.all(
      Array.from({ length: 14 }, () =>
        unwrap(client.POST('/v1/transfers', { body: { to: bob.id, amount: '1.00' } })),
      ),
    );

    expect(new Set(transfers.map((transfer) => transfer.id)).size).toBe(14);
    const throttled = exchanges.filter((exchange) => exchange.status === 429);
    // The 11th to arrive is refused for sure (the clock moves only once a refused request waits).
    expect(throttled.length).toBeGreaterThan(0);
    // Each retry carried its first attempt's key: 14 keys in all, each ending in one 201.
    const keys = new Set(exchanges.map((exchange) => exchange.key));
    expect(keys.size).toBe(14);
    for (const key of keys) {
      expect(exchanges.filter((e) => e.key === key && e.status === 201)).toHaveLength(1);
    }
    const account = await unwrap(client.GET('/v1/accounts/me'));
    expect(account.balance).toBe('86.00');
  });

  it('replays a request sent again with its key: the first answer, and the money moves once', async () => {
    const ada = await t.newUser('Ada');
    const bob = await t.newUser('Bob');
    expect((await t.grant(ada.id, '10')).status).toBe(201);
    const { client } = recordingClient(ada.key);
    const send = () =>
      client.POST('/v1/transfers', {
        body: { to: bob.id, amount: '2.50' },
        params: { header: { 'idempotency-key': 'rent-2026-01' } },
      });
    const first = await send();
    const again = await send();
    expect(again.data).toEqual(first.data);
    expect(again.response.headers.get('idempotent-replayed')).toBe('true');
    expect((await unwrap(client.GET('/v1/accounts/me'))).balance).toBe('7.50');

    const reused = await unwrap(
      client.POST('/v1/transfers', {
        body: { to: bob.id, amount: '3.00' },
        params: { header: { 'idempotency-key': 'rent-2026-01' } },
      }),
    ).catch((error: unknown) => error);
    expect(reused).toBeInstanceOf(PrsmProblem);
    expect(reused).toMatchObject({ status: 422, code: 'idempotency_key_reused' });
  });

  it("walks a list's cursor pages with eachItem", async () => {
    const ada = await t.newUser('Ada');
    const { client } = recordingClient(ada.key);
    const names = ['one', 'two', 'three', 'four', 'five'];
    for (const name of names) await unwrap(client.POST('/v1/budgets', { body: { name, total: '1' } }));
    const pages: (string | undefined)[] = [];
    const seen: string[] = [];
    for await (const budget of eachItem((cursor) => {
      pages.push(cursor);
      return client.GET('/v1/budgets', { params: { query: { limit: 2, ...(cursor ? { cursor } : {}) } } });
    })) {
      seen.push(budget.name);
    }
    expect(seen.sort()).toEqual([...names].sort());
    expect(pages.length).toBeGreaterThanOrEqual(3);
  });
});
