import { DeleteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiResponse } from '../support/http.js';
import { useRuntime } from '../support/runtime.js';
import { GENEROUS_WAIT_MS } from '../support/waits.js';

/** The health routes through HTTP against the local AWS, with every dependency up. */
const t = useRuntime(import.meta.filename);

const eventually = async <T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = GENEROUS_WAIT_MS,
): Promise<T> => {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
};

const admin = (method: string, path: string): Promise<ApiResponse> =>
  t.api(method, path, { key: t.adminKey });
const sweepNow = () => admin('POST', '/v1/health/sweeps');
const statuses = (checks: { name: string; status: string }[]) =>
  Object.fromEntries(checks.map((check) => [check.name, check.status]));

beforeAll(async () => {
  // The runtime sweeps once at start: wait for it, so that no test races it.
  await eventually(async () => ((await admin('GET', '/v1/health/report')).status === 200 ? true : undefined));
});

describe('Health: before any sweep', () => {
  it('answers the report with 404 problem+json, the verdict with 200 unknown and an empty history', async () => {
    const { Items = [] } = await t.table.doc.send(
      new QueryCommand({
        TableName: t.table.name,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'HEALTH#SWEEPS' },
      }),
    );
    for (const { pk, sk } of Items) {
      await t.table.doc.send(new DeleteCommand({ TableName: t.table.name, Key: { pk, sk } }));
    }
    const report = await admin('GET', '/v1/health/report');
    expect(report.status).toBe(404);
    expect(report.headers.get('content-type')).toBe('application/problem+json');
    expect(report.body.code).toBe('not_found');
    const verdict = await t.api('GET', '/v1/health');
    expect(verdict.status).toBe(200);
    expect(verdict.body).toEqual({ status: 'unknown', score: null, checkedAt: null });
    expect((await admin('GET', '/v1/health/history')).body).toEqual({ items: [], nextCursor: null });
  });
});

describe('Health: a sweep with everything up', () => {
  it('reports 100 %, excellent and ready, with every check healthy', async () => {
    const response = await sweepNow();
    expect(response.status).toBe(201);
    const report = response.body;
    expect(report).toMatchObject({ status: 'ok', score: 100, band: 'excellent', ready: true });
    expect(report.id).toMatch(/^hs_/);
    // Every check healthy; these at least (capabilities and queues add their own).
    for (const check of [...report.components, ...report.dependencies, ...report.integrations]) {
      expect(check.status, check.name).toBe('healthy');
    }
    expect(statuses(report.components)).toMatchObject({
      identity: 'healthy',
      ledger: 'healthy',
      budgets: 'healthy',
    });
    expect(statuses(report.dependencies)).toMatchObject({
      dynamodb: 'healthy',
      s3: 'healthy',
      'sqs:notifications': 'healthy',
      'sqs:notifications-dlq': 'healthy',
    });
    expect(statuses(report.integrations)).toMatchObject({
      'budgets-consistency': 'healthy',
      'ledger-invariants': 'healthy',
      'ledger-expired-holds': 'healthy',
      'dlqs-empty': 'healthy',
    });
    for (const check of [...report.components, ...report.dependencies, ...report.integrations]) {
      expect(check.latencyMs).toBeGreaterThanOrEqual(0);
      expect(check.detail).not.toBe('');
    }
    // Said, not guessed: SQS's API has no age of the oldest message.
    const queue = report.dependencies.find((check: { name: string }) => check.name === 'sqs:notifications');
    expect(queue.detail).toContain('oldest message age not measured');

    expect((await admin('GET', '/v1/health/report')).body).toEqual(report);
    const verdict = await t.api('GET', '/v1/health');
    expect(verdict.status).toBe(200);
    expect(verdict.body).toEqual({ status: 'ok', score: 100, checkedAt: report.checkedAt });
  });

  it('keeps every sweep in the history, newest first, in cursor pages', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await sweepNow()).body.id);
    const first = await admin('GET', '/v1/health/history?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.items.map((report: { id: string }) => report.id)).toEqual([ids[2], ids[1]]);
    expect(first.body.items[0]).toMatchObject({ score: 100, components: expect.any(Array) });
    const second = await admin('GET', `/v1/health/history?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items[0].id).toBe(ids[0]);
  });
});

describe('Health: access', () => {
  it.each([
    ['GET', '/v1/health/report'],
    ['GET', '/v1/health/history'],
    ['POST', '/v1/health/sweeps'],
  ])('keeps %s %s for admins: 403 for a user, 401 without a key', async (method, path) => {
    const user = await t.newUser();
    const asUser = await t.api(method, path, { key: user.key });
    expect(asUser.status).toBe(403);
    expect(asUser.body.code).toBe('forbidden');
    const anonymous = await t.api(method, path);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.code).toBe('unauthorized');
  });

  it('leaves GET /v1/health public', async () => {
    expect((await t.api('GET', '/v1/health')).status).toBe(200);
  });
});
