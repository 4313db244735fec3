import { Webhook } from 'standardwebhooks';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { budgetSteps, idempotencyKey } from '../support/budgets.js';
import { useRuntime } from '../support/runtime.js';
import { GENEROUS_WAIT_MS } from '../support/waits.js';
import { type Received, signaturesOf, startReceiver } from '../support/webhook-receiver.js';

// Retries one second apart, three attempts in all: the schedule of hours, compressed.
process.env.PRSM_WEBHOOK_RETRY_DELAYS = '1,1';

const t = useRuntime(import.meta.url);
const { funded, createBudget, charge } = budgetSteps(t);
const receivers: { close(): Promise<void> }[] = [];
afterAll(async () => {
  await Promise.all(receivers.map((receiver) => receiver.close()));
});

const wait = { timeout: GENEROUS_WAIT_MS, interval: 100 };

async function receiver(statusFor?: (n: number) => number) {
  const started = await startReceiver(statusFor);
  receivers.push(started);
  return started;
}

async function endpoint(key: string, url: string, events: string[] = ['budget.alert']) {
  const response = await t.api('POST', '/v1/webhooks/endpoints', {
    key,
    body: { url, events, description: 'test receiver' },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as { id: string; secret: string };
}

/** A budget of 100 whose 60 FTNS charge crosses its 50 % threshold: one `budget.alert`. */
async function crossThreshold(user: { key: string }) {
  const budget = await createBudget(user.key, { name: 'Hooks', total: '100' });
  expect((await charge(user.key, budget.id, '60', 'model_inference')).status).toBe(201);
  return budget.id as string;
}

const deliveriesOf = async (key: string, endpointId: string) =>
  (await t.api('GET', `/v1/webhooks/endpoints/${endpointId}/deliveries`, { key })).body.items;

const verify = (secret: string, message: Received) =>
  new Webhook(secret).verify(message.body, message.headers as Record<string, string>);

describe('Webhooks: signed deliveries', () => {
  it('delivers a budget.alert whose Standard Webhooks signature verifies, and lists the event', async () => {
    const user = await funded();
    const hooks = await receiver();
    const created = await endpoint(user.key, hooks.url);
    expect(created.secret).toMatch(/^whsec_/);
    const read = await t.api('GET', `/v1/webhooks/endpoints/${created.id}`, { key: user.key });
    expect(read.body).not.toHaveProperty('secret');
    expect(JSON.stringify(read.body)).not.toContain(created.secret);

    const budgetId = await crossThreshold(user);
    await vi.waitFor(() => expect(hooks.received).toHaveLength(1), wait);
    const [message] = hooks.received;
    expect(signaturesOf(message!)).toHaveLength(1);
    expect(verify(created.secret, message!)).toMatchObject({
      type: 'budget.alert',
      data: { subject: `budget:${budgetId}`, threshold: 50, severity: 'warning', spent: '60.00' },
    });
    expect(() => verify(`whsec_${Buffer.alloc(32, 1).toString('base64')}`, message!)).toThrow();

    const events = await t.api('GET', '/v1/events?type=budget.alert', { key: user.key });
    expect(events.status).toBe(200);
    expect(events.body.items).toEqual([
      expect.objectContaining({
        id: message!.headers['webhook-id'],
        type: 'budget.alert',
        subject: `budget:${budgetId}`,
      }),
    ]);
    await vi.waitFor(async () => {
      const [delivery] = await deliveriesOf(user.key, created.id);
      expect(delivery).toMatchObject({ status: 'succeeded', eventType: 'budget.alert' });
      expect(delivery.attempts).toEqual([
        expect.objectContaining({ attempt: 1, succeeded: true, responseCode: 200 }),
      ]);
      expect(delivery.attempts[0].latencyMs).toBeGreaterThanOrEqual(0);
    }, wait);
  });

  it('retries a receiver that answers 500 twice: the third attempt succeeds, the log shows all three', async () => {
    const user = await funded();
    const hooks = await receiver((n) => (n <= 2 ? 500 : 200));
    const created = await endpoint(user.key, hooks.url);
    await crossThreshold(user);
    await vi.waitFor(async () => {
      const [delivery] = await deliveriesOf(user.key, created.id);
      expect(delivery?.status).toBe('succeeded');
      expect(delivery.attempts.map((a: { responseCode: number }) => a.responseCode)).toEqual([500, 500, 200]);
    }, wait);
    expect(hooks.received).toHaveLength(3);
    // The same message each time: one id for the receiver to deduplicate on.
    expect(new Set(hooks.received.map((r) => r.headers['webhook-id'])).size).toBe(1);
  });

  it('sends nothing to a disabled endpoint', async () => {
    const user = await funded();
    const off = await receiver();
    const on = await receiver();
    // Created first, so the fan-out has passed it over before the enabled one receives anything.
    const disabled = await endpoint(user.key, off.url);
    const patched = await t.api('PATCH', `/v1/webhooks/endpoints/${disabled.id}`, {
      key: user.key,
      body: { enabled: false },
    });
    expect(patched.body).toMatchObject({ status: 'disabled', disabledReason: 'owner' });
    await endpoint(user.key, on.url);
    await crossThreshold(user);
    await vi.waitFor(() => expect(on.received).toHaveLength(1), wait);
    expect(off.received).toEqual([]);
    expect(await deliveriesOf(user.key, disabled.id)).toEqual([]);
  });

  it('disables an endpoint whose delivery exhausts its retries, tells its owner, and retries on request', async () => {
    const user = await funded();
    let healthy = false;
    const hooks = await receiver(() => (healthy ? 200 : 503));
    const created = await endpoint(user.key, hooks.url);
    await crossThreshold(user);
    await vi.waitFor(async () => {
      const read = await t.api('GET', `/v1/webhooks/endpoints/${created.id}`, { key: user.key });
      expect(read.body).toMatchObject({ status: 'disabled', disabledReason: 'failing' });
    }, wait);
    const [delivery] = await deliveriesOf(user.key, created.id);
    expect(delivery).toMatchObject({ status: 'failed', nextAttemptAt: null });
    expect(delivery.attempts).toHaveLength(3);
    await vi.waitFor(async () => {
      const events = await t.api('GET', '/v1/events?type=webhook.*', { key: user.key });
      expect(events.body.items).toEqual([
        expect.objectContaining({
          type: 'webhook.endpoint.disabled',
          data: expect.objectContaining({ endpointId: created.id }),
        }),
      ]);
    }, wait);

    const retryPath = `/v1/webhooks/endpoints/${created.id}/deliveries/${delivery.id}/retry`;
    const refused = await t.api('POST', retryPath, { key: user.key });
    expect(refused.body.code).toBe('endpoint_disabled');
    await t.api('PATCH', `/v1/webhooks/endpoints/${created.id}`, { key: user.key, body: { enabled: true } });
    healthy = true;
    expect((await t.api('POST', retryPath, { key: user.key })).status).toBe(202);
    await vi.waitFor(async () => {
      const [retried] = await deliveriesOf(user.key, created.id);
      expect(retried.status).toBe('succeeded');
      expect(retried.attempts.map((a: { responseCode: number }) => a.responseCode)).toEqual([
        503, 503, 503, 200,
      ]);
    }, wait);
  });
});

describe('Webhooks: safety', () => {
  it.each([
    'http://10.0.0.1/hooks',
    'https://192.168.1.20/hooks',
    'https://169.254.169.254/latest/meta-data',
    'http://[::ffff:172.16.0.1]/hooks',
    'https://[fe80::1]/hooks',
    'ftp://127.0.0.1/hooks',
    'not a url',
  ])('refuses %s with 422 webhook_url_refused', async (url) => {
    const user = await funded('1');
    const response = await t.api('POST', '/v1/webhooks/endpoints', {
      key: user.key,
      body: { url, events: ['*'] },
    });
    expect(response.status).toBe(422);
    expect(response.body.code).toBe('webhook_url_refused');
  });

  it('refuses a change of URL to a private address', async () => {
    const user = await funded('1');
    const hooks = await receiver();
    const created = await endpoint(user.key, hooks.url);
    const response = await t.api('PATCH', `/v1/webhooks/endpoints/${created.id}`, {
      key: user.key,
      body: { url: 'http://10.1.2.3/hooks' },
    });
    expect(response.status).toBe(422);
    expect(response.body.code).toBe('webhook_url_refused');
  });

  it("shows no one else's endpoints, deliveries or events", async () => {
    const owner = await funded();
    const other = await funded('1');
    const hooks = await receiver();
    const created = await endpoint(owner.key, hooks.url);
    await crossThreshold(owner);
    await vi.waitFor(() => expect(hooks.received).toHaveLength(1), wait);
    expect((await t.api('GET', `/v1/webhooks/endpoints/${created.id}`, { key: other.key })).status).toBe(404);
    expect(
      (await t.api('GET', `/v1/webhooks/endpoints/${created.id}/deliveries`, { key: other.key })).status,
    ).toBe(404);
    expect((await t.api('GET', '/v1/events', { key: other.key })).body.items).toEqual([]);
    expect((await t.api('GET', `/v1/events?userId=${owner.id}`, { key: other.key })).status).toBe(403);
    const asAdmin = await t.api('GET', `/v1/events?userId=${owner.id}`, { key: t.adminKey });
    expect(asAdmin.body.items.map((e: { type: string }) => e.type)).toEqual(['budget.alert']);
  });
});

describe('Webhooks: rotation and replays', () => {
  it('signs with both secrets during the overlap, with the new one only after it', async () => {
    const user = await funded('1');
    const hooks = await receiver();
    const created = await endpoint(user.key, hooks.url, ['*']);
    const rotated = await t.api('POST', `/v1/webhooks/endpoints/${created.id}/rotate-secret`, {
      key: user.key,
      body: { overlapSeconds: 3600 },
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(created.secret);
    expect(rotated.body.previousSecretExpiresAt).not.toBeNull();

    expect((await t.api('POST', `/v1/webhooks/endpoints/${created.id}/test`, { key: user.key })).status).toBe(
      202,
    );
    await vi.waitFor(() => expect(hooks.received).toHaveLength(1), wait);
    const during = hooks.received[0]!;
    expect(signaturesOf(during)).toHaveLength(2);
    expect(verify(rotated.body.secret, during)).toMatchObject({ type: 'webhook.test' });
    expect(verify(created.secret, during)).toMatchObject({ type: 'webhook.test' });

    const final = await t.api('POST', `/v1/webhooks/endpoints/${created.id}/rotate-secret`, {
      key: user.key,
      body: { overlapSeconds: 0 },
    });
    await t.api('POST', `/v1/webhooks/endpoints/${created.id}/test`, { key: user.key });
    await vi.waitFor(() => expect(hooks.received).toHaveLength(2), wait);
    const after = hooks.received[1]!;
    expect(signaturesOf(after)).toHaveLength(1);
    expect(verify(final.body.secret, after)).toMatchObject({ type: 'webhook.test' });
    expect(() => verify(rotated.body.secret, after)).toThrow();
  });

  it('answers a keyed creation, rotation and test twice with the first answer, doing each once', async () => {
    const user = await funded('1');
    const hooks = await receiver();
    const headers = idempotencyKey();
    const body = { url: hooks.url, events: ['*'] };
    const first = await t.api('POST', '/v1/webhooks/endpoints', { key: user.key, body, headers });
    const again = await t.api('POST', '/v1/webhooks/endpoints', { key: user.key, body, headers });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect((await t.api('GET', '/v1/webhooks/endpoints', { key: user.key })).body.items).toHaveLength(1);

    const rotation = idempotencyKey();
    const rotatePath = `/v1/webhooks/endpoints/${first.body.id}/rotate-secret`;
    const rotated = await t.api('POST', rotatePath, { key: user.key, body: {}, headers: rotation });
    const rotatedAgain = await t.api('POST', rotatePath, { key: user.key, body: {}, headers: rotation });
    expect(rotatedAgain.body.secret).toBe(rotated.body.secret);

    const test = idempotencyKey();
    const testPath = `/v1/webhooks/endpoints/${first.body.id}/test`;
    const sent = await t.api('POST', testPath, { key: user.key, headers: test });
    const sentAgain = await t.api('POST', testPath, { key: user.key, headers: test });
    expect(sentAgain.body.id).toBe(sent.body.id);
    await vi.waitFor(() => expect(hooks.received).toHaveLength(1), wait);
    expect(await deliveriesOf(user.key, first.body.id)).toHaveLength(1);
    expect(verify(rotated.body.secret, hooks.received[0]!)).toMatchObject({ type: 'webhook.test' });
  });
});
