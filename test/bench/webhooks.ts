import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Runtime } from '#infra/local/runtime.js';
import { dynamoClient, sqsClient } from '#platform/aws-clients.js';
import { documentClient } from '#platform/table.js';
import { DEVELOPMENT_ADMIN_KEY, ensureAdmin } from '#shared/identity/bootstrap.js';
import { type ApiResponse, apiClient } from '../support/http.js';
import { startReceiver } from '../support/webhook-receiver.js';
import { childBenchmark } from './child-benchmark.js';
import { countRequests, type RequestCounter } from './request-counter.js';
import type { Benchmark, Section } from './section.js';
import { median, percentile, round } from './stats.js';

/**
 * A `budget.alert` from the charge that causes it to a receiver on loopback, 20 times one after
 * another, in the local runtime: the charge's answer, the notifications queue, the consumer
 * (event stored, audience, fan-out), the deliveries queue, the deliverer (signed POST, log).
 * AWS requests are those the functions send (the local pollers' receives and deletes are
 * Lambda's event source mappings on AWS, not the functions' requests).
 */
const WARMUP = 2;
const RUNS = 20;
const LABEL = 'webhookDelivery';

function expectStatus(response: ApiResponse, status: number, what: string): void {
  if (response.status !== status) {
    throw new Error(`${what}: expected ${status}, got ${response.status} ${JSON.stringify(response.body)}`);
  }
}

async function measure(runtime: Runtime): Promise<Section> {
  const api = apiClient(runtime.url, { validate: false });
  const admin = DEVELOPMENT_ADMIN_KEY;
  // An uncounted client of its own, to see the delivery's record without the API's requests.
  const uncounted = documentClient(new DynamoDBClient({}));
  await ensureAdmin({ name: runtime.resources.tableName, doc: documentClient(dynamoClient()) }, admin);
  const created = await api('POST', '/v1/users', { key: admin, body: { name: 'bench receiver' } });
  expectStatus(created, 201, 'creating a user');
  const user = { id: String(created.body.user.id), key: String(created.body.apiKey) };
  expectStatus(
    await api('POST', '/v1/grants', {
      key: admin,
      body: { userId: user.id, amount: String(100 * (WARMUP + RUNS)) },
      headers: { 'idempotency-key': `bench-${randomBytes(6).toString('hex')}` },
    }),
    201,
    'granting FTNS',
  );
  const receiver = await startReceiver();
  const endpoint = await api('POST', '/v1/webhooks/endpoints', {
    key: user.key,
    body: { url: receiver.url, events: ['budget.alert'] },
  });
  expectStatus(endpoint, 201, 'creating the endpoint');
  const counters: RequestCounter[] = [
    countRequests(dynamoClient(), LABEL),
    countRequests(sqsClient(), LABEL),
  ];
  const setLabel = (label: string | undefined) => {
    for (const counter of counters) counter.label = label;
  };

  const fromCharge: number[] = [];
  const fromEvent: number[] = [];
  process.stderr.write(`webhooks: ${WARMUP} warm-up and ${RUNS} measured deliveries\n`);
  try {
    for (let run = 0; run < WARMUP + RUNS; run++) {
      const measured = run >= WARMUP;
      const budget = await api('POST', '/v1/budgets', {
        key: user.key,
        body: { name: `b${run}`, total: '100' },
      });
      expectStatus(budget, 201, 'creating a budget');
      const before = receiver.received.length;
      const sentAt = Date.now();
      const charged = await api('POST', `/v1/budgets/${budget.body.id}/charges`, {
        key: user.key,
        body: { amount: '60', category: 'model_inference' },
        headers: { 'idempotency-key': `bench-charge-${run}-${randomBytes(4).toString('hex')}` },
      });
      expectStatus(charged, 201, 'charging');
      if (measured) setLabel(LABEL);
      while (receiver.received.length === before) await new Promise((resolve) => setTimeout(resolve, 2));
      const arrival = receiver.received[before]!;
      const deliveryId = await recordedDelivery(uncounted, runtime.resources.tableName, endpoint.body.id);
      setLabel(undefined);
      if (!deliveryId) throw new Error('the delivery was not recorded');
      if (measured) {
        fromCharge.push(arrival.at - sentAt);
        const event = JSON.parse(arrival.body) as { timestamp: string };
        fromEvent.push(arrival.at - new Date(event.timestamp).getTime());
      }
    }
  } finally {
    for (const counter of counters) counter.remove();
    await receiver.close();
  }
  const byCommand = new Map<string, number>();
  for (const counter of counters) {
    for (const [command, count] of counter.counts(LABEL))
      byCommand.set(command, (byCommand.get(command) ?? 0) + count);
  }
  const total = [...byCommand.values()].reduce((sum, count) => sum + count, 0);
  return {
    title: 'Webhooks: a budget.alert from its charge to the receiver (local runtime)',
    columns: ['measure', 'p50', 'p95', 'max'],
    rows: [
      [
        'ms from the charge request to the receiver',
        median(fromCharge),
        percentile(fromCharge, 95),
        Math.max(...fromCharge),
      ],
      [
        'ms from the event time to the receiver',
        median(fromEvent),
        percentile(fromEvent, 95),
        Math.max(...fromEvent),
      ],
      ['AWS requests per delivery (functions)', round(total / RUNS, 1), '', ''],
    ],
    notes: [
      `${RUNS} deliveries one after another after ${WARMUP} warm-ups; receiver on 127.0.0.1 answering 200.`,
      `Requests per delivery by command: ${[...byCommand].map(([command, count]) => `${command} ${round(count / RUNS, 1)}`).join(', ')}.`,
      'The local poller long-polls each queue (Lambda event source mappings on AWS); its receives and deletes are not counted.',
    ],
  };
}

/** Waits for the delivery log to show the attempt, reading with a client that is not counted. */
async function recordedDelivery(
  doc: ReturnType<typeof documentClient>,
  tableName: string,
  endpointId: string,
): Promise<string | undefined> {
  const { QueryCommand } = await import('@aws-sdk/lib-dynamodb');
  for (let tries = 0; tries < 5000; tries++) {
    const { Items = [] } = await doc.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': `WEBHOOK_DELIVERIES#${endpointId}` },
        ScanIndexForward: false,
        Limit: 1,
      }),
    );
    if (Items[0]?.status === 'succeeded') return String(Items[0].id);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return undefined;
}

export const webhooks: Benchmark = await childBenchmark({
  name: 'webhooks',
  file: import.meta.filename,
  timeoutMs: 10 * 60_000,
  throttling: 'off',
  measure,
});
