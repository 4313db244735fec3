import { beforeAll, describe, expect, it } from 'vitest';
import { useRuntime } from '../support/runtime.js';
import { marketplace } from './marketplace-support.js';

/**
 * Every copy of a keyed request, sequential or concurrent, gets the first answer byte for byte,
 * even when the first request changed the state that a fresh request would be checked against.
 */
const t = useRuntime(import.meta.filename);
let m: ReturnType<typeof marketplace>;

beforeAll(async () => {
  m = marketplace(t);
});

interface RawAnswer {
  status: number;
  replayed: string | null;
  text: string;
}

let sequence = 0;
const newKey = () => `replay-${++sequence}-${Math.random()}`;

/** The exact bytes of the answer: a replay must match the first answer to the byte. */
async function send(method: string, path: string, key: string, body: unknown, idempotencyKey: string) {
  const response = await fetch(`${t.runtime.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
      'idempotency-key': idempotencyKey,
    },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    replayed: response.headers.get('idempotent-replayed'),
    text: await response.text(),
  } satisfies RawAnswer;
}

/** Sends `copies` identical requests at once, then one more after they have all answered. */
async function copiesOf(
  copies: number,
  request: { method: string; path: string; key: string; body: unknown },
): Promise<RawAnswer[]> {
  const idempotencyKey = newKey();
  const { method, path, key, body } = request;
  const concurrent = await Promise.all(
    Array.from({ length: copies }, () => send(method, path, key, body, idempotencyKey)),
  );
  return [...concurrent, await send(method, path, key, body, idempotencyKey)];
}

function expectOneAnswer(answers: RawAnswer[], status: number) {
  const [first] = answers;
  expect(first?.status, first?.text).toBe(status);
  for (const answer of answers) {
    expect(answer.status, answer.text).toBe(status);
    expect(answer.text).toBe(first?.text);
  }
  expect(answers.filter((answer) => answer.replayed !== 'true')).toHaveLength(1);
}

async function activeHold(amount = '10') {
  const user = await m.funded('100');
  const created = await send('POST', '/v1/holds', user.key, { amount, expiresInSeconds: 3600 }, newKey());
  expect(created.status, created.text).toBe(201);
  return { user, holdId: JSON.parse(created.text).id as string };
}

describe('Replays of keyed requests', () => {
  it('answers 10 concurrent captures of a hold and a later copy with the one first answer', async () => {
    const { user, holdId } = await activeHold();
    const answers = await copiesOf(10, {
      method: 'POST',
      path: `/v1/holds/${holdId}/capture`,
      key: user.key,
      body: { amount: '4' },
    });
    expectOneAnswer(answers, 200);
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ status: 'captured', capturedAmount: '4.00' });
    expect(await m.balance(user.key)).toBe('96.00');
  });

  it('answers concurrent releases of a hold with the one first answer', async () => {
    const { user, holdId } = await activeHold();
    const answers = await copiesOf(5, {
      method: 'POST',
      path: `/v1/holds/${holdId}/release`,
      key: user.key,
      body: {},
    });
    expectOneAnswer(answers, 200);
    expect(JSON.parse(answers[0]!.text).status).toBe('released');
  });

  it('still refuses a new key on a resolved hold, and a reused key with another body', async () => {
    const { user, holdId } = await activeHold();
    const path = `/v1/holds/${holdId}/capture`;
    const key = newKey();
    expect((await send('POST', path, user.key, { amount: '1' }, key)).status).toBe(200);
    const fresh = await send('POST', path, user.key, { amount: '1' }, newKey());
    expect(fresh.status).toBe(409);
    expect(JSON.parse(fresh.text).code).toBe('hold_not_active');
    const reused = await send('POST', path, user.key, { amount: '2' }, key);
    expect(reused.status).toBe(422);
    expect(JSON.parse(reused.text).code).toBe('idempotency_key_reused');
  });

  it('answers copies of a review with the first review', async () => {
    const seller = await m.funded('0');
    const listing = await m.createListing(seller.key);
    const buyer = await m.buyer();
    m.expectStatus(await m.order(buyer.key, [listing.id], buyer.budgetId), 201);
    const answers = await copiesOf(5, {
      method: 'POST',
      path: `/v1/listings/${listing.id}/reviews`,
      key: buyer.key,
      body: { rating: 4, text: 'Clean data' },
    });
    expectOneAnswer(answers, 201);
    const reviews = await t.api('GET', `/v1/listings/${listing.id}/reviews`, { key: buyer.key });
    expect(reviews.body.items).toHaveLength(1);
  });

  it('files one expansion request for copies under one key', async () => {
    const owner = await m.funded('100');
    const budget = await m.createBudget(owner.key, { total: '50' });
    const answers = await copiesOf(5, {
      method: 'POST',
      path: `/v1/budgets/${budget.id}/expansions`,
      key: owner.key,
      body: { amount: '10', reason: 'More runs' },
    });
    expectOneAnswer(answers, 201);
    const listed = await t.api('GET', `/v1/budgets/${budget.id}/expansions`, { key: owner.key });
    expect(listed.body.items).toHaveLength(1);
  });
});
