import { afterAll, describe, expect, it } from 'vitest';
import { dynamoClient, sqsClient } from '#platform/aws-clients.js';
import { type Injection, injectFaults } from '../support/fault-injection.js';
import type { ApiResponse } from '../support/http.js';
import { useRuntime } from '../support/runtime.js';

/**
 * A mixed load of transfers and budget charges while 30 % of the runtime's DynamoDB and SQS
 * requests fail (throttled, 500, timed out, or done with the answer lost). Clients retry 429
 * and 503 with the same Idempotency-Key, as they are told to. Every operation must end done
 * or cleanly refused, never 500, and the money must add up exactly: nothing created, lost or
 * charged twice.
 */
/** High enough that some requests fail all of the SDK's three attempts and reach the client as 503. */
const RATE = 0.3;
const t = useRuntime(import.meta.filename);
let faults: Injection[] = [];

afterAll(async () => {
  for (const fault of faults) fault.remove();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A well-behaved client: retries 429/503 with the same key, waiting as told (scaled down here). */
async function withRetries(
  send: () => Promise<ApiResponse>,
  log: { retries: number; statuses: number[] },
): Promise<ApiResponse> {
  for (let attempt = 1; ; attempt++) {
    const response = await send();
    log.statuses.push(response.status);
    if ((response.status !== 429 && response.status !== 503) || attempt === 20) return response;
    expect(response.headers.get('retry-after')).toBeTruthy();
    log.retries++;
    await sleep(20 * attempt);
  }
}

describe('Fault injection', () => {
  it(`keeps every invariant with ${RATE * 100} % of AWS requests failing`, async () => {
    const users = [await t.newUser(), await t.newUser(), await t.newUser(), await t.newUser()];
    await Promise.all(users.map((u) => t.grant(u.id, '30')));
    const budget = await t.api('POST', '/v1/budgets', {
      key: users[0]!.key,
      body: { name: 'faulty', total: '40', members: users.slice(1).map((u) => ({ userId: u.id })) },
    });
    expect(budget.status).toBe(201);

    const kinds = ['throttle', 'server-error', 'timeout', 'lost-response'] as const;
    faults = [
      injectFaults(dynamoClient(), { rate: RATE, kinds: [...kinds] }),
      injectFaults(sqsClient(), { rate: RATE, kinds: [...kinds] }),
    ];

    const log = { retries: 0, statuses: [] as number[] };
    const operations = users.flatMap((user, i) =>
      Array.from({ length: 12 }, (_, j) => {
        const headers = { 'idempotency-key': `op-${i}-${j}` };
        if (j % 2 === 0) {
          const to = users[(i + 1 + (j % 3)) % users.length]!;
          return {
            kind: 'transfer' as const,
            from: user.id,
            to: to.id,
            amount: 3_000_000n,
            send: () =>
              t.api('POST', '/v1/transfers', { key: user.key, body: { to: to.id, amount: '3' }, headers }),
          };
        }
        return {
          kind: 'charge' as const,
          from: user.id,
          to: 'revenue',
          amount: 2_500_000n,
          send: () =>
            t.api('POST', `/v1/budgets/${budget.body.id}/charges`, {
              key: user.key,
              body: { amount: '2.50', category: 'compute' },
              headers,
            }),
        };
      }),
    );
    const results = await Promise.all(
      operations.map(async (op) => ({ op, response: await withRetries(op.send, log) })),
    );
    const injected = faults.map((fault) => ({ ...fault.injected }));
    for (const fault of faults) fault.remove();
    faults = [];

    // Never a 500; every operation ends done (201) or refused for want of money (402).
    expect(log.statuses.filter((s) => s >= 500 && s !== 503)).toEqual([]);
    expect(results.map((r) => r.response.status).filter((s) => s !== 201 && s !== 402)).toEqual([]);

    // The money adds up to what the answers say happened, exactly once each.
    const expected = new Map(users.map((u) => [u.id, 30_000_000n]));
    let charged = 0n;
    for (const { op, response } of results) {
      if (response.status !== 201) continue;
      expected.set(op.from, (expected.get(op.from) ?? 0n) - op.amount);
      if (op.kind === 'transfer') expected.set(op.to, (expected.get(op.to) ?? 0n) + op.amount);
      else charged += op.amount;
    }
    for (const user of users) {
      const account = await t.api('GET', '/v1/accounts/me', { key: user.key });
      expect(account.body.balance, user.id).toBe(formatMicro(expected.get(user.id)!));
    }
    const read = await t.api('GET', `/v1/budgets/${budget.body.id}`, { key: users[0]!.key });
    expect(read.body.spent).toBe(formatMicro(charged));
    const audit = await t.api('GET', '/v1/ledger/audit', { key: t.adminKey });
    expect(audit.body).toMatchObject({ sumOfBalances: '0.00', negativeBalances: [], budgetDrift: [] });

    console.log(
      `fault injection: ${results.length} operations, faults injected (DynamoDB, SQS) ${JSON.stringify(injected)}, ` +
        `${log.retries} client retries after 429/503, statuses ${JSON.stringify(count(log.statuses))}`,
    );
    // The worst case happened: writes done whose answers were lost, retried into replays.
    expect(injected[0]?.['lost-response']).toBeGreaterThan(0);
  });
});

function count(values: number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
const formatMicro = (micro: bigint) => {
  const whole = micro / 1_000_000n;
  const fraction = (micro % 1_000_000n)
    .toString()
    .padStart(6, '0')
    .replace(/0{1,4}$/, '');
  return `${whole}.${fraction.padEnd(2, '0')}`;
};
