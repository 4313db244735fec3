import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Runtime } from '#infra/local/runtime.js';
import { dynamoClient, s3Client, sqsClient } from '#platform/aws-clients.js';
import { documentClient } from '#platform/table.js';
import { DEVELOPMENT_ADMIN_KEY, ensureAdmin } from '#shared/identity/bootstrap.js';
import { startAgent } from '#shared/network/agent/agent.js';
import { observePhases } from '#shared/workflows/timings.js';
import { type ApiResponse, apiClient } from '../support/http.js';
import { childBenchmark } from './child-benchmark.js';
import { countRequests, type RequestCounter } from './request-counter.js';
import type { Benchmark, Section } from './section.js';
import { median, percentile, round } from './stats.js';

/**
 * The provider network: the example query with `executor: network` on one node agent in the
 * runtime's process, against the same query on the built-in executor, one workflow at a time.
 * Lease round trip = the claim request that got the lease + the executor + the result request
 * (accepted). Overhead per network phase = (network end to end − built-in end to end) / 7.
 * AWS requests per lease: everything the platform sent (API, phase runner, authorizer) during the
 * network runs, including the node's empty polls, per phase; the node's artifact GETs through
 * presigned links are not SDK requests and are not counted.
 */
const WARMUP = 1;
const RUNS = 10;
const QUERY = 'Analyze quantum field interactions for advanced photonic system development';

function expectStatus(response: ApiResponse, status: number, what: string): void {
  if (response.status !== status)
    throw new Error(`${what}: ${response.status} ${JSON.stringify(response.body)}`);
}

async function measure(runtime: Runtime, endpoint: string, ownedAws: boolean): Promise<Section> {
  const api = apiClient(runtime.url, { validate: false });
  await ensureAdmin(
    { name: runtime.resources.tableName, doc: documentClient(dynamoClient()) },
    DEVELOPMENT_ADMIN_KEY,
  );
  const user = async (name: string, amount: string) => {
    const created = await api('POST', '/v1/users', { key: DEVELOPMENT_ADMIN_KEY, body: { name } });
    expectStatus(created, 201, 'creating a user');
    const id = String(created.body.user.id);
    expectStatus(
      await api('POST', '/v1/grants', {
        key: DEVELOPMENT_ADMIN_KEY,
        body: { userId: id, amount },
        headers: { 'idempotency-key': `bench-${randomBytes(6).toString('hex')}` },
      }),
      201,
      'granting',
    );
    return { id, key: String(created.body.apiKey) };
  };
  const researcher = await user('bench researcher', String(120 * 2 * (WARMUP + RUNS)));
  const provider = await user('bench provider', '200');
  const leases: { claimMs: number; workMs: number; resultMs: number }[] = [];
  // Each run ends when its last phase is paid: by the node's accepted settlement, or the runner's report.
  let finished: (() => void) | undefined;
  const stopObserving = observePhases((report) => {
    if (report.phase === 'settlement' && report.outcome === 'completed') finished?.();
  });
  const agent = startAgent({
    api: runtime.url,
    key: provider.key,
    name: 'bench node',
    log: () => undefined,
    onLease: (timing) => {
      if (timing.status === 200) leases.push(timing);
      if (timing.status === 200 && timing.phase === 'settlement') finished?.();
    },
  });
  await agent.nodeId;

  const counters: RequestCounter[] = [
    countRequests(dynamoClient(), 'benchNetworkRequests'),
    countRequests(sqsClient(), 'benchNetworkRequests'),
    countRequests(s3Client() as unknown as DynamoDBClient, 'benchNetworkRequests'),
  ];
  const setLabel = (label: string | undefined) => {
    for (const counter of counters) counter.label = label;
  };
  const run = async (executor: 'network' | 'builtin', label: string) => {
    const budget = await api('POST', '/v1/budgets', {
      key: researcher.key,
      body: { name: 'run', total: '150' },
    });
    expectStatus(budget, 201, 'budget');
    const done = new Promise<void>((resolve) => {
      finished = resolve;
    });
    setLabel(label);
    const start = performance.now();
    const submitted = await api('POST', '/v1/workflows', {
      key: researcher.key,
      body: { prompt: QUERY, budgetId: budget.body.id, executor },
      headers: { 'idempotency-key': `bench-${randomBytes(6).toString('hex')}` },
    });
    expectStatus(submitted, 202, 'submit');
    await Promise.race([
      done,
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`a ${executor} workflow took over 5 minutes`)), 300_000),
      ),
    ]);
    const ms = performance.now() - start;
    setLabel(undefined);
    const read = await api('GET', `/v1/workflows/${submitted.body.id}`, { key: researcher.key });
    if (read.body.status !== 'completed') throw new Error(`${executor} run ended ${read.body.status}`);
    return ms;
  };

  const network: number[] = [];
  const builtin: number[] = [];
  const load: number[] = [];
  process.stderr.write(`network: ${WARMUP} warm-up and ${RUNS} measured workflows per executor\n`);
  try {
    for (let i = 0; i < WARMUP + RUNS; i++) {
      const measured = i >= WARMUP;
      if (measured) leases.length = Math.min(leases.length, 7 * (i - WARMUP));
      const n = await run('network', measured ? 'network' : 'warmup');
      const b = await run('builtin', measured ? 'builtin' : 'warmup');
      if (measured) {
        network.push(n);
        builtin.push(b);
      }
      if (i === WARMUP || i === WARMUP + RUNS - 1) load.push(loadavg()[0]!);
    }
  } finally {
    stopObserving();
    await agent.stop();
    for (const counter of counters) counter.remove();
  }
  const measuredLeases = leases.slice(-7 * RUNS);
  const trips = measuredLeases.map((l) => l.claimMs + l.workMs + l.resultMs);
  const total = (label: string) =>
    counters.reduce((sum, c) => sum + [...c.counts(label).values()].reduce((a, b) => a + b, 0), 0);
  const perNetworkPhase = total('network') / (7 * RUNS);
  const perBuiltinPhase = total('builtin') / (7 * RUNS);
  const overhead = (median(network) - median(builtin)) / 7;
  return {
    title: 'Provider network: the example query on one node agent vs the built-in executor',
    columns: ['Figure', 'p50', 'p95', 'min'],
    rows: [
      [
        'Lease round trip ms (claim + executor + result accepted)',
        round(median(trips), 1),
        round(percentile(trips, 95), 1),
        round(Math.min(...trips), 1),
      ],
      [
        '  claim request ms',
        round(median(measuredLeases.map((l) => l.claimMs)), 1),
        round(
          percentile(
            measuredLeases.map((l) => l.claimMs),
            95,
          ),
          1,
        ),
        round(Math.min(...measuredLeases.map((l) => l.claimMs)), 1),
      ],
      [
        '  executor on the node ms',
        round(median(measuredLeases.map((l) => l.workMs)), 1),
        round(
          percentile(
            measuredLeases.map((l) => l.workMs),
            95,
          ),
          1,
        ),
        round(Math.min(...measuredLeases.map((l) => l.workMs)), 1),
      ],
      [
        '  result request ms',
        round(median(measuredLeases.map((l) => l.resultMs)), 1),
        round(
          percentile(
            measuredLeases.map((l) => l.resultMs),
            95,
          ),
          1,
        ),
        round(Math.min(...measuredLeases.map((l) => l.resultMs)), 1),
      ],
      [
        'Workflow end to end, network ms',
        round(median(network), 1),
        round(percentile(network, 95), 1),
        round(Math.min(...network), 1),
      ],
      [
        'Workflow end to end, built-in ms',
        round(median(builtin), 1),
        round(percentile(builtin, 95), 1),
        round(Math.min(...builtin), 1),
      ],
      ['Platform overhead per network phase ms', round(overhead, 1), '', ''],
      ['AWS requests per network phase (lease)', round(perNetworkPhase, 1), '', ''],
      ['AWS requests per built-in phase', round(perBuiltinPhase, 1), '', ''],
    ],
    notes: [
      `${RUNS} workflows per executor after ${WARMUP} warm-up, alternating, one at a time; a run ends when its last phase is paid (no client polling is counted). The node's empty polls between phases are (the protocol's cost).`,
      'A network phase costs more requests than a built-in one: the offer, the claim (a Query per capability, the workflow, a 3-item transaction, the price list and policy for the context), and the result (the lease, the workflow, the node, the offer, the price list, the cross-checked inputs), besides the capture the built-in phase also pays.',
      `Machine load (1-minute load average on ${cpus().length} cores) at the first and last measured run: ${load.map((l) => round(l, 2)).join(' → ')}.`,
      `Against the local AWS at ${endpoint} (${ownedAws ? 'moto, started for this run' : 'AWS_ENDPOINT_URL'}): absolute times are moto's, ` +
        'which answers a Query on an index by scanning the table: the claim (a Query per capability) and the node polls pay for that here, not on DynamoDB.',
    ],
  };
}

export const network: Benchmark = await childBenchmark({
  name: 'network',
  file: import.meta.filename,
  timeoutMs: 20 * 60_000,
  throttling: 'off',
  measure: async (runtime, endpoint, owned) => {
    process.env.PRSM_LEASE_WAIT_MS ??= '1000';
    process.env.PRSM_LEASE_POLL_MS ??= '20';
    return measure(runtime, endpoint, owned);
  },
});
