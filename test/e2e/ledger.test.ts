import { describe, expect, it } from 'vitest';
import { assertDocumented } from '../support/http.js';
import { useRuntime } from '../support/runtime.js';
import { GENEROUS_WAIT_MS } from '../support/waits.js';

/** The identity and ledger routes through HTTP, against the local AWS. */
const t = useRuntime(import.meta.filename, { scheduleIntervalSeconds: 1 });

let keys = 0;
const idem = () => ({ 'idempotency-key': `k-${++keys}-${Math.random()}` });
const account = async (key: string) => (await t.api('GET', '/v1/accounts/me', { key })).body;
const audit = async () => (await t.api('GET', '/v1/ledger/audit', { key: t.adminKey })).body;

describe('Identity: users and keys', () => {
  it('lets an admin create a user whose key works once shown, and stores only its hash', async () => {
    const user = await t.newUser('Ada');
    const me = await t.api('GET', '/v1/me', { key: user.key });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: user.id, name: 'Ada', role: 'user' });
    const listed = await t.api('GET', '/v1/me/keys', { key: user.key });
    expect(listed.body.items).toHaveLength(1);
    expect(JSON.stringify(listed.body)).not.toContain(user.key);
    expect(user.key.startsWith(listed.body.items[0].prefix)).toBe(true);
  });

  it('answers 401 with no key, a malformed key or an unknown key', async () => {
    for (const key of [
      undefined,
      'nonsense',
      'prsm_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    ]) {
      const response = await t.api('GET', '/v1/accounts/me', { key });
      expect(response.status).toBe(401);
      expect(response.body.code).toBe('unauthorized');
    }
  });

  it('stops a revoked key at once while the other keys keep working', async () => {
    const user = await t.newUser();
    const second = await t.api('POST', '/v1/me/keys', { key: user.key });
    expect(second.status).toBe(201);
    expect((await t.api('DELETE', `/v1/me/keys/${second.body.keyId}`, { key: user.key })).status).toBe(204);
    expect((await t.api('GET', '/v1/me', { key: second.body.apiKey })).status).toBe(401);
    expect((await t.api('GET', '/v1/me', { key: user.key })).status).toBe(200);
    const listed = await t.api('GET', '/v1/me/keys', { key: user.key });
    expect(
      listed.body.items.find((k: { keyId: string }) => k.keyId === second.body.keyId).revokedAt,
    ).toBeTruthy();
  });

  it('keeps user creation and grants for admins (403)', async () => {
    const user = await t.newUser();
    expect((await t.api('POST', '/v1/users', { key: user.key, body: { name: 'x' } })).status).toBe(403);
    const grant = await t.api('POST', '/v1/grants', {
      key: user.key,
      body: { userId: user.id, amount: '5' },
      headers: idem(),
    });
    expect(grant.status).toBe(403);
    expect((await account(user.key)).balance).toBe('0.00');
  });
});

describe('Ledger: ownership', () => {
  it("hides another user's account and holds (404) but shows them to admins", async () => {
    const [alice, bob] = [await t.newUser(), await t.newUser()];
    await t.grant(alice.id, '10');
    const hold = await t.api('POST', '/v1/holds', {
      key: alice.key,
      body: { amount: '1', expiresInSeconds: 600 },
      headers: idem(),
    });
    expect((await t.api('GET', `/v1/accounts/${alice.id}`, { key: bob.key })).status).toBe(404);
    expect((await t.api('GET', `/v1/holds/${hold.body.id}`, { key: bob.key })).status).toBe(404);
    expect((await t.api('POST', `/v1/holds/${hold.body.id}/release`, { key: bob.key })).status).toBe(404);
    const byAdmin = await t.api('GET', `/v1/accounts/${alice.id}`, { key: t.adminKey });
    expect(byAdmin.body).toEqual({ userId: alice.id, balance: '10.00', held: '1.00', available: '9.00' });
    expect((await t.api('GET', `/v1/accounts/${alice.id}`, { key: alice.key })).status).toBe(200);
  });
});

describe('Ledger: amounts', () => {
  it.each([['0.1234567'], ['-1'], ['1e3'], [12.5], [''], ['abc'], ['1000000000.01'], ['0']])(
    'refuses the amount %j with 422 at body.amount and writes nothing',
    async (amount) => {
      const [payer, payee] = [await t.newUser(), await t.newUser()];
      await t.grant(payer.id, '5');
      const response = await t.api('POST', '/v1/transfers', {
        key: payer.key,
        body: { to: payee.id, amount },
        headers: idem(),
      });
      expect(response.status).toBe(422);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(response.body.errors.map((e: { path: string }) => e.path)).toEqual(['body.amount']);
      expect((await account(payer.key)).balance).toBe('5.00');
      expect((await t.api('GET', '/v1/accounts/me/transfers', { key: payee.key })).body.items).toEqual([]);
    },
  );

  it('answers malformed JSON with 400 and an unknown payee with 422', async () => {
    const payer = await t.newUser();
    const bad = await t.api('POST', '/v1/transfers', { key: payer.key, rawBody: '{"to":', headers: idem() });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('malformed_json');
    const unknown = await t.api('POST', '/v1/transfers', {
      key: payer.key,
      body: { to: 'usr_nobody', amount: '1' },
      headers: idem(),
    });
    expect(unknown.status).toBe(422);
  });
});

describe('Ledger: concurrency', () => {
  it('lets exactly 100 of 200 concurrent transfers of 1.00 from 100.00 through; the books stay exact', async () => {
    const [payer, payee] = [await t.newUser(), await t.newUser()];
    await t.grant(payer.id, '100');
    const responses = await Promise.all(
      Array.from({ length: 200 }, () =>
        t.api('POST', '/v1/transfers', {
          key: payer.key,
          body: { to: payee.id, amount: '1.00' },
          headers: idem(),
        }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(100);
    expect(statuses.filter((s) => s === 402)).toHaveLength(100);
    expect(responses.find((r) => r.status === 402)?.body.code).toBe('insufficient_funds');
    expect(await account(payer.key)).toMatchObject({ balance: '0.00', available: '0.00' });
    expect((await account(payee.key)).balance).toBe('100.00');
    expect((await audit()).sumOfBalances).toBe('0.00');
  });

  it('lets exactly 100 of 200 concurrent holds of 1.00 on 100.00 through', async () => {
    const owner = await t.newUser();
    await t.grant(owner.id, '100');
    const responses = await Promise.all(
      Array.from({ length: 200 }, () =>
        t.api('POST', '/v1/holds', {
          key: owner.key,
          body: { amount: '1.00', expiresInSeconds: 600 },
          headers: idem(),
        }),
      ),
    );
    expect(responses.filter((r) => r.status === 201)).toHaveLength(100);
    expect(responses.filter((r) => r.status === 402)).toHaveLength(100);
    expect(await account(owner.key)).toEqual({
      userId: owner.id,
      balance: '100.00',
      held: '100.00',
      available: '0.00',
    });
    expect((await audit()).sumOfBalances).toBe('0.00');
  });
});

describe('Ledger: idempotency', () => {
  it('applies one transfer for 10 concurrent copies with one key, and answers each with the first response', async () => {
    const [payer, payee] = [await t.newUser(), await t.newUser()];
    await t.grant(payer.id, '50');
    const headers = idem();
    const send = () =>
      t.api('POST', '/v1/transfers', { key: payer.key, body: { to: payee.id, amount: '7.25' }, headers });
    const responses = await Promise.all(Array.from({ length: 10 }, send));
    expect(new Set(responses.map((r) => r.status))).toEqual(new Set([201]));
    expect(new Set(responses.map((r) => JSON.stringify(r.body))).size).toBe(1);
    expect((await account(payer.key)).balance).toBe('42.75');

    const raw = await fetch(`${t.runtime.url}/v1/transfers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${payer.key}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ amount: '7.25', to: payee.id }), // same body, keys reordered
    });
    const text = await raw.text();
    const answer = { method: 'POST', path: '/v1/transfers', status: raw.status, headers: raw.headers, text };
    await assertDocumented(t.runtime.url, answer);
    expect(raw.status).toBe(201);
    expect(raw.headers.get('idempotent-replayed')).toBe('true');
    expect(text).toBe(JSON.stringify(responses[0]?.body));
    expect((await t.api('GET', '/v1/accounts/me/transfers', { key: payee.key })).body.items).toHaveLength(1);
  });

  it('refuses a reused key with another body (422) and a missing key (400)', async () => {
    const [payer, payee] = [await t.newUser(), await t.newUser()];
    await t.grant(payer.id, '5');
    const headers = idem();
    expect(
      (await t.api('POST', '/v1/transfers', { key: payer.key, body: { to: payee.id, amount: '1' }, headers }))
        .status,
    ).toBe(201);
    const reused = await t.api('POST', '/v1/transfers', {
      key: payer.key,
      body: { to: payee.id, amount: '2' },
      headers,
    });
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('idempotency_key_reused');
    const missing = await t.api('POST', '/v1/transfers', {
      key: payer.key,
      body: { to: payee.id, amount: '1' },
    });
    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe('idempotency_key_required');
    expect((await account(payer.key)).balance).toBe('4.00');
  });

  it('scopes keys to the caller', async () => {
    const [a, b, c] = [await t.newUser(), await t.newUser(), await t.newUser()];
    await Promise.all([t.grant(a.id, '3'), t.grant(b.id, '3')]);
    const headers = { 'idempotency-key': `shared-${Math.random()}` };
    await t.api('POST', '/v1/transfers', { key: a.key, body: { to: c.id, amount: '1' }, headers });
    await t.api('POST', '/v1/transfers', { key: b.key, body: { to: c.id, amount: '1' }, headers });
    expect((await account(c.key)).balance).toBe('2.00');
  });
});

describe('Ledger: holds', () => {
  it('captures 30 of a hold of 50 to its payee and returns 20; a second resolution is 409', async () => {
    const [owner, payee] = [await t.newUser(), await t.newUser()];
    await t.grant(owner.id, '100');
    const hold = await t.api('POST', '/v1/holds', {
      key: owner.key,
      body: { amount: '50', expiresInSeconds: 600, payeeId: payee.id },
      headers: idem(),
    });
    expect(hold.status).toBe(201);
    expect(await account(owner.key)).toMatchObject({ balance: '100.00', held: '50.00', available: '50.00' });

    const captured = await t.api('POST', `/v1/holds/${hold.body.id}/capture`, {
      key: owner.key,
      body: { amount: '30' },
      headers: idem(),
    });
    expect(captured.status).toBe(200);
    expect(captured.body).toMatchObject({ status: 'captured', capturedAmount: '30.00', amount: '50.00' });
    expect(await account(owner.key)).toMatchObject({ balance: '70.00', held: '0.00', available: '70.00' });
    expect((await account(payee.key)).balance).toBe('30.00');

    const again = await t.api('POST', `/v1/holds/${hold.body.id}/release`, { key: owner.key });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('hold_not_active');
    expect((await audit()).sumOfBalances).toBe('0.00');
  });

  it('refuses to capture a released hold (409) or more than was held (422)', async () => {
    const owner = await t.newUser();
    await t.grant(owner.id, '10');
    const create = () =>
      t.api('POST', '/v1/holds', {
        key: owner.key,
        body: { amount: '5', expiresInSeconds: 600 },
        headers: idem(),
      });
    const [first, second] = [await create(), await create()];
    expect((await t.api('POST', `/v1/holds/${first.body.id}/release`, { key: owner.key })).body.status).toBe(
      'released',
    );
    const capture = await t.api('POST', `/v1/holds/${first.body.id}/capture`, {
      key: owner.key,
      body: {},
      headers: idem(),
    });
    expect(capture.status).toBe(409);
    const tooMuch = await t.api('POST', `/v1/holds/${second.body.id}/capture`, {
      key: owner.key,
      body: { amount: '6' },
      headers: idem(),
    });
    expect(tooMuch.status).toBe(422);
    expect(await account(owner.key)).toMatchObject({ balance: '10.00', held: '5.00', available: '5.00' });
  });

  it('stops counting an expired hold at once, and the schedule resolves it for good', async () => {
    const owner = await t.newUser();
    await t.grant(owner.id, '10');
    const hold = await t.api('POST', '/v1/holds', {
      key: owner.key,
      body: { amount: '8', expiresInSeconds: 1 },
      headers: idem(),
    });
    // Whether it still counts a moment later depends on the machine's speed: the hold's effect on
    // `available` is the test above; this one waits past the expiry, however long that takes.
    expect(hold.status).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await account(owner.key)).toMatchObject({ held: '0.00', available: '10.00' });
    expect((await t.api('GET', `/v1/holds/${hold.body.id}`, { key: owner.key })).body.status).toBe('expired');

    const until = Date.now() + GENEROUS_WAIT_MS;
    let resolvedAt: string | undefined;
    while (!resolvedAt && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      resolvedAt = (await t.api('GET', `/v1/holds/${hold.body.id}`, { key: owner.key })).body.resolvedAt;
    }
    expect(resolvedAt).toBeTruthy();
    const capture = await t.api('POST', `/v1/holds/${hold.body.id}/capture`, {
      key: owner.key,
      body: {},
      headers: idem(),
    });
    expect(capture.status).toBe(409);
    expect(await account(owner.key)).toMatchObject({ balance: '10.00', held: '0.00', available: '10.00' });
    expect((await audit()).sumOfBalances).toBe('0.00');
  });

  it('lets a transfer spend what an expired, unresolved hold still reserved', async () => {
    const [owner, payee] = [await t.newUser(), await t.newUser()];
    await t.grant(owner.id, '10');
    await t.api('POST', '/v1/holds', {
      key: owner.key,
      body: { amount: '10', expiresInSeconds: 1 },
      headers: idem(),
    });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const sent = await t.api('POST', '/v1/transfers', {
      key: owner.key,
      body: { to: payee.id, amount: '10' },
      headers: idem(),
    });
    expect(sent.status).toBe(201);
    expect(await account(owner.key)).toMatchObject({ balance: '0.00', held: '0.00', available: '0.00' });
  });
});

describe('Ledger: history', () => {
  it('lists transfers newest first in cursor pages', async () => {
    const [payer, payee] = [await t.newUser(), await t.newUser()];
    await t.grant(payer.id, '10');
    for (const amount of ['1', '2', '3']) {
      await t.api('POST', '/v1/transfers', {
        key: payer.key,
        body: { to: payee.id, amount },
        headers: idem(),
      });
    }
    const first = await t.api('GET', '/v1/accounts/me/transfers?limit=2', { key: payer.key });
    expect(first.body.items.map((e: { amount: string; side: string }) => `${e.side} ${e.amount}`)).toEqual([
      'debit 3.00',
      'debit 2.00',
    ]);
    const second = await t.api('GET', `/v1/accounts/me/transfers?limit=2&cursor=${first.body.nextCursor}`, {
      key: payer.key,
    });
    expect(
      second.body.items.map((e: { amount: string; reason: string }) => `${e.reason} ${e.amount}`),
    ).toEqual(['transfer 1.00', 'grant 10.00']);
    const foreign = await t.api('GET', `/v1/accounts/me/transfers?cursor=${first.body.nextCursor}`, {
      key: payee.key,
    });
    expect(foreign.status).toBe(422);
  });
});
