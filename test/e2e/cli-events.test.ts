import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Json } from '../support/http.js';
import { useRuntime } from '../support/runtime.js';
import { GENEROUS_WAIT_MS } from '../support/waits.js';
import { startReceiver } from '../support/webhook-receiver.js';
import { freshConfigHome, prsm, startPrsm } from './cli-support.js';

/** `prsm events` and `prsm webhooks` as a subprocess against the local runtime. */
const t = useRuntime(import.meta.filename);
const wait = { timeout: GENEROUS_WAIT_MS, interval: 200 };
const receivers: { close(): Promise<void> }[] = [];
afterAll(async () => {
  await Promise.all(receivers.map((receiver) => receiver.close()));
});

async function receiver() {
  const started = await startReceiver();
  receivers.push(started);
  return started;
}

/** A fresh user with FTNS, and the environment its `prsm` runs with. */
async function shellUser() {
  const user = await t.newUser();
  expect((await t.grant(user.id, '1000')).status).toBe(201);
  return { PRSM_API_URL: t.runtime.url, PRSM_API_KEY: user.key, XDG_CONFIG_HOME: await freshConfigHome() };
}

/** A budget of 100 charged 60 with the CLI: its spending crosses 50 %, one `budget.alert`. */
async function crossHalf(env: Record<string, string>, name: string): Promise<string> {
  const created = await prsm(['budgets', 'create', '--name', name, '--total', '100', '--json'], env);
  expect(created.code, created.stderr).toBe(0);
  const budgetId = created.json().id as string;
  const charged = await prsm(['budgets', 'charge', budgetId, '60', '--category', 'compute', '--json'], env);
  expect(charged.code, charged.stderr).toBe(0);
  return budgetId;
}

async function alertOf(env: Record<string, string>, budgetId: string): Promise<Json> {
  let alert: Json;
  await vi.waitFor(async () => {
    const listed = await prsm(['events', 'ls', '--type', 'budget.alert', '--json'], env);
    expect(listed.code, listed.stderr).toBe(0);
    alert = listed.json().items.find((event: Json) => event.subject === `budget:${budgetId}`);
    expect(alert).toBeDefined();
  }, wait);
  return alert;
}

describe('prsm events', () => {
  let env: Record<string, string>;
  beforeAll(async () => {
    env = await shellUser();
  });

  it('lists the budget.alert a charge caused, filtered by type and time, as JSON and as a table', async () => {
    const budgetId = await crossHalf(env, 'Alerts');
    const alert = await alertOf(env, budgetId);
    expect(alert).toMatchObject({
      id: expect.stringMatching(/^evt_/),
      type: 'budget.alert',
      data: { threshold: 50, spent: '60.00' },
    });

    const recent = await prsm(['events', 'ls', '--from', '1h', '--limit', '5', '--json'], env);
    expect(recent.json().items.map((event: Json) => event.id)).toContain(alert.id);
    const at = await prsm(
      ['events', 'ls', '--from', alert.timestamp, '--to', alert.timestamp, '--json'],
      env,
    );
    expect(at.json().items).toEqual([alert]);
    const later = new Date(Date.parse(alert.timestamp) + 1).toISOString();
    expect((await prsm(['events', 'ls', '--from', later, '--json'], env)).json().items).toEqual([]);
    expect((await prsm(['events', 'ls', '--type', 'order.*', '--json'], env)).json().items).toEqual([]);

    const human = await prsm(['events', 'ls', '--type', 'budget.*'], env);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(new RegExp(`^${alert.id}\\s+budget\\.alert\\s+budget:${budgetId}\\s`, 'm'));
  });
});

describe('prsm webhooks', () => {
  let env: Record<string, string>;
  beforeAll(async () => {
    env = await shellUser();
  });

  it('creates an endpoint showing its secret once, lists it, and deletes it', async () => {
    const hooks = await receiver();
    const created = await prsm(
      ['webhooks', 'create', hooks.url, '--event', 'budget.alert', '--description', 'laptop', '--json'],
      env,
    );
    expect(created.code, created.stderr).toBe(0);
    const endpoint = created.json();
    expect(endpoint).toMatchObject({
      id: expect.stringMatching(/^we_/),
      url: hooks.url,
      events: ['budget.alert'],
      status: 'enabled',
      secret: expect.stringMatching(/^whsec_/),
    });

    const listed = await prsm(['webhooks', 'ls', '--json'], env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.json().items).toEqual([
      expect.objectContaining({ id: endpoint.id, description: 'laptop' }),
    ]);
    expect(listed.stdout).not.toContain(endpoint.secret);
    expect((await prsm(['webhooks', 'ls'], env)).stdout).toMatch(
      new RegExp(`^${endpoint.id}\\s+enabled\\s+`, 'm'),
    );

    const human = await prsm(['webhooks', 'create', hooks.url, '--description', 'all'], env);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/^secret\s+whsec_\S+$/m);
    expect(human.stdout).toMatch(/^events\s+\*$/m);

    const deleted = await prsm(['webhooks', 'delete', endpoint.id], env);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toBe(`deleted ${endpoint.id}\n`);
    const left = (await prsm(['webhooks', 'ls', '--json'], env)).json().items;
    expect(left.map((item: Json) => item.id)).not.toContain(endpoint.id);
    expect(left).toHaveLength(1);
    const again = await prsm(['webhooks', 'delete', endpoint.id], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^error: not_found \(404\)/m);
  });

  it('refuses an endpoint on a private address with exit 1 and the problem code', async () => {
    const refused = await prsm(['webhooks', 'create', 'http://10.0.0.1/hooks'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: webhook_url_refused \(422\)/m);
  });

  it('listen forwards an event caused after it started, signed with the secret it printed, and stops on Ctrl-C', async () => {
    const own = await shellUser();
    const before = await crossHalf(own, 'Before');
    await alertOf(own, before);
    const hooks = await receiver();
    const listening = startPrsm(
      ['webhooks', 'listen', '--forward-to', hooks.url, '--interval', '200', '--json'],
      own,
    );
    try {
      let ready: Json;
      await vi.waitFor(() => {
        [ready] = listening.lines();
        expect(ready).toMatchObject({ ready: true, forwardTo: hooks.url });
      }, wait);
      expect(ready.secret).toMatch(/^whsec_/);

      const after = await crossHalf(own, 'After');
      await vi.waitFor(() => expect(hooks.received).toHaveLength(1), wait);
      const [message] = hooks.received;
      const verified = new Webhook(ready.secret).verify(
        message!.body,
        message!.headers as Record<string, string>,
      );
      expect(verified).toMatchObject({
        type: 'budget.alert',
        data: { subject: `budget:${after}`, threshold: 50, spent: '60.00' },
      });
      expect(() =>
        new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`).verify(
          message!.body,
          message!.headers as Record<string, string>,
        ),
      ).toThrow();
      const alert = await alertOf(own, after);
      expect(message!.headers['webhook-id']).toBe(alert.id);
      await vi.waitFor(
        () =>
          expect(listening.lines()).toContainEqual({
            event: {
              id: alert.id,
              type: 'budget.alert',
              subject: `budget:${after}`,
              timestamp: alert.timestamp,
            },
            status: 200,
            error: null,
          }),
        wait,
      );
    } finally {
      const stopped = await listening.interrupt();
      expect(stopped.code, stopped.stderr).toBe(0);
    }
    // The event from before it started was never forwarded.
    expect(hooks.received).toHaveLength(1);
  });

  it('exits 2 on usage errors and answers --help on each new command', async () => {
    for (const args of [
      ['webhooks', 'listen'],
      ['webhooks', 'listen', '--forward-to', 'not a url'],
      ['webhooks', 'listen', '--forward-to', 'http://127.0.0.1:9/', '--secret', 'nope'],
      ['webhooks', 'create'],
      ['webhooks'],
      ['events', 'ls', '--from', 'yesterday'],
      ['events'],
    ]) {
      const result = await prsm(args, { ...env, PRSM_API_URL: 'http://127.0.0.1:9' });
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(2);
    }
    for (const command of [
      ['events', 'ls'],
      ['webhooks', 'ls'],
      ['webhooks', 'create'],
      ['webhooks', 'delete'],
      ['webhooks', 'listen'],
    ]) {
      const help = await prsm([...command, '--help']);
      expect(help.code, command.join(' ')).toBe(0);
      expect(help.stdout).toContain(`Usage: prsm ${command.join(' ')}`);
      expect(help.stdout).toContain('--json');
    }
  });
});
