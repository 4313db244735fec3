import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { awsClients } from '../support/resources.js';
import { useRuntime } from '../support/runtime.js';

/** Faults seen for what they are: a dead letter, books that no longer balance, an expired hold. */
const t = useRuntime(import.meta.filename);

interface Check {
  name: string;
  status: string;
  detail: string;
  moneyInvariantBroken?: boolean;
}
interface Report {
  status: string;
  score: number;
  band: string;
  components: Check[];
  dependencies: Check[];
  integrations: Check[];
}

const sqs = awsClients().sqs;
let keys = 0;
const idem = () => ({ 'idempotency-key': `health-${++keys}-${Math.random()}` });

async function sweepNow(): Promise<Report> {
  const response = await t.api('POST', '/v1/health/sweeps', { key: t.adminKey });
  expect(response.status).toBe(201);
  return response.body;
}
const checkOf = (report: Report, name: string): Check => {
  const found = [...report.components, ...report.dependencies, ...report.integrations].find(
    (check) => check.name === name,
  );
  if (!found) throw new Error(`no check ${name} in ${JSON.stringify(report)}`);
  return found;
};
const account = async (key: string) => (await t.api('GET', '/v1/accounts/me', { key })).body;
const audit = async () => (await t.api('GET', '/v1/ledger/audit', { key: t.adminKey })).body;

/** Adds to an account item's figures behind the ledger's back, as a bug or a hand edit would. */
const tamper = (userId: string, micro: bigint) =>
  t.table.doc.send(
    new UpdateCommand({
      TableName: t.table.name,
      Key: { pk: `ACCOUNT#${userId}`, sk: 'ACCOUNT' },
      UpdateExpression: 'ADD balance :delta, available :delta',
      ExpressionAttributeValues: { ':delta': micro },
    }),
  );

const tamperHeld = (userId: string, micro: bigint) =>
  t.table.doc.send(
    new UpdateCommand({
      TableName: t.table.name,
      Key: { pk: `ACCOUNT#${userId}`, sk: 'ACCOUNT' },
      UpdateExpression: 'ADD held :delta',
      ExpressionAttributeValues: { ':delta': micro },
    }),
  );

describe('Health: a message parked in a DLQ', () => {
  it('is reported degraded with the queue name until it is dealt with', async () => {
    const dlqUrl = t.runtime.resources.queueUrls['notifications-dlq']!;
    await sqs.send(new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: '{"lost":true}' }));

    const report = await sweepNow();
    // One fault, counted once: by dlqs-empty; the DLQ as a dependency answers, so it is healthy.
    expect(checkOf(report, 'sqs:notifications-dlq')).toMatchObject({ status: 'healthy' });
    expect(checkOf(report, 'sqs:notifications-dlq').detail).toContain('depth 1');
    expect(checkOf(report, 'dlqs-empty')).toMatchObject({ status: 'degraded' });
    expect(checkOf(report, 'dlqs-empty').detail).toContain('notifications-dlq holds 1');
    expect(checkOf(report, 'sqs:notifications').status).toBe('healthy');
    // One degraded check, counting half: the mean of the three groups' percentages.
    const percent = (group: { status: string }[]) =>
      (group.reduce((sum, c) => sum + (c.status === 'healthy' ? 1 : c.status === 'degraded' ? 0.5 : 0), 0) /
        group.length) *
      100;
    const expected =
      Math.round(
        ((percent(report.components) + percent(report.dependencies) + percent(report.integrations)) / 3) * 10,
      ) / 10;
    expect(expected).toBeLessThan(100);
    expect(report).toMatchObject({ status: 'degraded', score: expected });

    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    for (const message of Messages) {
      await sqs.send(new DeleteMessageCommand({ QueueUrl: dlqUrl, ReceiptHandle: message.ReceiptHandle! }));
    }
    const after = await sweepNow();
    expect(checkOf(after, 'dlqs-empty').status).toBe('healthy');
    expect(after.status).toBe('ok');
  });
});

describe('Health: books that no longer balance', () => {
  it('reports the ledger invariants down, naming the negative account and the sum', async () => {
    const user = await t.newUser();
    await t.grant(user.id, '10');
    await tamper(user.id, -15_000_000n); // 10.00 -> -5.00, and the books no longer sum to zero

    const report = await sweepNow();
    const invariants = checkOf(report, 'ledger-invariants');
    expect(invariants.status).toBe('down');
    expect(invariants.detail).toContain('sum to -15.00, not 0');
    expect(invariants.detail).toContain(`negative user balance: ${user.id} (balance -5.00, available -5.00)`);
    expect(invariants.moneyInvariantBroken).toBe(true);
    // Money first: books that do not balance score 0, critical, and the platform reads down.
    expect(report).toMatchObject({ status: 'down', score: 0, band: 'critical', ready: false });
    const verdict = await t.api('GET', '/v1/health');
    expect(verdict.status).toBe(503);
    expect(verdict.body).toMatchObject({ status: 'down', score: 0 });

    await tamper(user.id, 15_000_000n);
    const repaired = await sweepNow();
    expect(checkOf(repaired, 'ledger-invariants').status).toBe('healthy');
    expect(repaired.band).not.toBe('critical');
    expect((await t.api('GET', '/v1/health')).status).toBe(200);
  });

  it('reports held that is not the sum of the active holds as a broken invariant, naming the account', async () => {
    const user = await t.newUser();
    await t.grant(user.id, '10');
    const hold = await t.api('POST', '/v1/holds', {
      key: user.key,
      body: { amount: '3', expiresInSeconds: 3600 },
      headers: idem(),
    });
    expect(hold.status).toBe(201);
    // held 3.00 -> 4.00 behind the ledger's back (balance unchanged, so the books still sum to 0).
    await tamperHeld(user.id, 1_000_000n);

    const report = await sweepNow();
    const invariants = checkOf(report, 'ledger-invariants');
    expect(invariants.status).toBe('down');
    expect(invariants.detail).toContain(
      `held is not the sum of active holds: ${user.id} (held 4.00, active holds 3.00)`,
    );
    expect(report).toMatchObject({ status: 'down', score: 0, band: 'critical', ready: false });

    await tamperHeld(user.id, -1_000_000n);
    expect(checkOf(await sweepNow(), 'ledger-invariants').status).toBe('healthy');
  });
});

describe('Health: a hold past its expiry', () => {
  it('is resolved by the sweep, reported once, and the books stay exact', async () => {
    const owner = await t.newUser();
    await t.grant(owner.id, '10');
    const hold = await t.api('POST', '/v1/holds', {
      key: owner.key,
      body: { amount: '4', expiresInSeconds: 1 },
      headers: idem(),
    });
    expect(hold.status).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, 1100));

    const report = await sweepNow();
    expect(checkOf(report, 'ledger-expired-holds')).toMatchObject({
      status: 'healthy',
      detail: 'resolved 1 hold(s) past their expiry',
    });
    expect(checkOf(report, 'ledger-invariants').status).toBe('healthy');
    const resolved = (await t.api('GET', `/v1/holds/${hold.body.id}`, { key: owner.key })).body;
    expect(resolved).toMatchObject({ status: 'expired', resolvedAt: expect.any(String) });
    expect(await account(owner.key)).toMatchObject({ balance: '10.00', held: '0.00', available: '10.00' });
    expect((await audit()).sumOfBalances).toBe('0.00');

    // Resolved for good: the next sweep finds nothing left to resolve.
    expect(checkOf(await sweepNow(), 'ledger-expired-holds').detail).toBe(
      'no hold past its expiry left unresolved',
    );
  });
});

describe('Health: sweeps never overlap', () => {
  const lease = (leaseUntil: Date) =>
    t.table.doc.send(
      new PutCommand({
        TableName: t.table.name,
        Item: { pk: 'HEALTH#LEASE', sk: 'SWEEP', holder: 'hs_other', leaseUntil: leaseUntil.toISOString() },
      }),
    );

  it('refuses a sweep while another holds the lease (409), and takes a lease that ran out', async () => {
    await lease(new Date(Date.now() + 3_600_000));
    const refused = await t.api('POST', '/v1/health/sweeps', { key: t.adminKey });
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body.code).toBe('sweep_in_progress');

    // The other sweep died without freeing it: its lease runs out, and the next sweep takes it.
    await lease(new Date(Date.now() - 1_000));
    const report = await sweepNow();
    expect(report.status).not.toBe('down');
    const { Item } = await t.table.doc.send(
      new GetCommand({ TableName: t.table.name, Key: { pk: 'HEALTH#LEASE', sk: 'SWEEP' } }),
    );
    expect(Item).toBeUndefined(); // given back when the sweep ended
  });
});
