import { Metrics } from '@aws-lambda-powertools/metrics';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '#platform/clock.js';
import { defaultRetry } from '#platform/transaction.js';
import type { Check, CheckStatus } from '#shared/health/check.js';
import { publishHealthMetrics } from '#shared/health/metrics.js';
import type { CapabilityProbes } from '#shared/health/probe-deps.js';
import { type HealthReport, type SweepDeps, sweep, sweepAndRecord } from '#shared/health/sweep.js';

const fixed = (name: string, group: Check['group'], status: CheckStatus): Check => ({
  name,
  group,
  run: async () => ({ status, detail: `${name} is ${status}` }),
});

describe('Health: sweep', () => {
  it('groups the results, scores them and calls a sweep below 60 down', async () => {
    const report = await sweep([
      fixed('a', 'components', 'down'),
      fixed('b', 'dependencies', 'down'),
      fixed('c', 'integrations', 'healthy'),
    ]);
    expect(report).toMatchObject({ status: 'down', score: 33.3, band: 'poor', ready: false });
    expect(report.components.map((r) => r.name)).toEqual(['a']);
    expect(report.integrations.map((r) => r.name)).toEqual(['c']);
  });

  it('scores a broken money invariant 0, critical, not ready, however healthy the rest is', async () => {
    const books: Check = {
      name: 'books',
      group: 'integrations',
      kind: 'audit',
      run: async () => ({ status: 'down', detail: 'sum 1.00', moneyInvariantBroken: true }),
    };
    const healthy = ['a', 'b', 'c', 'd', 'e'].map((name) => fixed(name, 'dependencies', 'healthy'));
    const report = await sweep([fixed('api', 'components', 'healthy'), ...healthy, books]);
    expect(report).toMatchObject({ status: 'down', score: 0, band: 'critical', ready: false });
    // The same fault without the flag (a check that timed out) is only one down check.
    const timedOut = await sweep([
      fixed('api', 'components', 'healthy'),
      ...healthy,
      fixed('books', 'integrations', 'down'),
    ]);
    expect(timedOut).toMatchObject({ score: 66.7, band: 'fair', ready: true });
  });

  it('runs the audits only after every probe has answered, so scans never load the probes', async () => {
    const order: string[] = [];
    const tracked = (name: string, kind: Check['kind']): Check => ({
      name,
      group: kind === 'audit' ? 'integrations' : 'dependencies',
      kind,
      run: async () => {
        order.push(`start ${name}`);
        await new Promise((resolve) => setImmediate(resolve));
        order.push(`end ${name}`);
        return { status: 'healthy', detail: '' };
      },
    });
    await sweep([tracked('scan', 'audit'), tracked('probe1', 'probe'), tracked('probe2', undefined)]);
    expect(order.indexOf('start scan')).toBeGreaterThan(order.indexOf('end probe1'));
    expect(order.indexOf('start scan')).toBeGreaterThan(order.indexOf('end probe2'));
  });

  it('is ok only when every check is healthy, degraded otherwise', async () => {
    const healthy = await sweep([fixed('a', 'components', 'healthy'), fixed('b', 'dependencies', 'healthy')]);
    expect(healthy).toMatchObject({ status: 'ok', score: 100 });
    const half = await sweep([fixed('a', 'components', 'healthy'), fixed('b', 'dependencies', 'degraded')]);
    expect(half).toMatchObject({ status: 'degraded', score: 83.3, band: 'good', ready: true });
  });
});

describe('Health: sweepAndRecord', () => {
  const probes: CapabilityProbes[] = [
    {
      capability: 'test',
      checks: () => [
        fixed('api', 'components', 'down'),
        fixed('db', 'dependencies', 'down'),
        fixed('books', 'integrations', 'down'),
      ],
    },
  ];
  const recorder = () => {
    const calls: string[] = [];
    return {
      calls,
      log: {
        info: (message: string) => calls.push(`info ${message}`),
        warn: (message: string) => calls.push(`warn ${message}`),
        error: (message: string, attributes: Record<string, unknown>) =>
          calls.push(`error ${message} ${JSON.stringify(attributes.unwell)}`),
      },
      metrics: {
        addDimension: () => undefined,
        addMetric: (name: string) => calls.push(`metric ${name}`),
        publishStoredMetrics: () => undefined,
      },
    };
  };
  const depsWith = (send: () => Promise<unknown>, record: ReturnType<typeof recorder>): SweepDeps => ({
    table: { name: 'table', doc: { send } as unknown as DynamoDBDocumentClient },
    clock: systemClock,
    retry: defaultRetry,
    s3: {} as S3Client,
    sqs: {} as SQSClient,
    queueUrls: {},
    bucketName: 'bucket',
    probes,
    log: record.log,
    metrics: record.metrics,
  });

  it('logs and publishes the verdict before storing it, so a dead table still leaves a trace', async () => {
    const record = recorder();
    const dead = depsWith(() => Promise.reject(new Error('ECONNREFUSED')), record);
    await expect(sweepAndRecord(dead, 'hs_1')).rejects.toThrow('ECONNREFUSED');
    // No lease without the table: the sweep runs anyway, since an outage must still be reported.
    expect(record.calls[0]).toBe('warn health sweep lease unavailable');
    expect(record.calls[1]).toBe(
      'error health sweep [' +
        ['api', 'db', 'books']
          .map((name) => `{"name":"${name}","status":"down","detail":"${name} is down"}`)
          .join(',') +
        ']',
    );
    expect(record.calls).toContain('metric HealthScore');
  });

  it('stores the report under the sweep id it was given', async () => {
    const record = recorder();
    const sent: unknown[] = [];
    const report = await sweepAndRecord(
      depsWith(async (command?: unknown) => sent.push(command), record),
      'hs_given',
    );
    expect(report.id).toBe('hs_given');
    // The lease taken, the report stored, the lease given back.
    expect(sent.map((command) => (command as object).constructor.name)).toEqual([
      'PutCommand',
      'PutCommand',
      'DeleteCommand',
    ]);
  });
});

describe('Health: metrics', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('emits one EMF record per check, dimensioned by check name, and one with the score', () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const metrics = new Metrics({
      namespace: 'PRSM',
      serviceName: 'prsm',
      defaultDimensions: { stage: 'dev' },
    });
    const report = {
      score: 75,
      components: [{ name: 'ledger', status: 'degraded', detail: '', latencyMs: 12 }],
      dependencies: [{ name: 'dynamodb', status: 'down', detail: '', latencyMs: 5000 }],
      integrations: [],
    } as unknown as HealthReport;
    publishHealthMetrics(metrics, report);
    vi.restoreAllMocks();

    const records = lines.map((line) => JSON.parse(line));
    expect(records).toHaveLength(3);
    expect(records[0]).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: 'PRSM',
            Dimensions: [['service', 'stage', 'check']],
            Metrics: expect.arrayContaining([{ Name: 'CheckDown', Unit: 'Count' }]),
          },
        ],
      },
      service: 'prsm',
      stage: 'dev',
      check: 'ledger',
      CheckHealthy: 0,
      CheckDegraded: 1,
      CheckDown: 0,
      CheckLatency: 12,
    });
    expect(records[1]).toMatchObject({ check: 'dynamodb', CheckDown: 1, CheckLatency: 5000 });
    expect(records[2]).toMatchObject({
      _aws: { CloudWatchMetrics: [{ Dimensions: [['service', 'stage']] }] },
      HealthScore: 75,
    });
    expect(records[2]).not.toHaveProperty('check');
  });
});
