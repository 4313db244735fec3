import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { chargeRoute } from '#functions/budgets/contract.js';
import { chargeView } from '#functions/budgets/views.js';
import type { Runtime } from '#infra/local/runtime.js';
import { dynamoClient, sqsClient } from '#platform/aws-clients.js';
import { systemClock } from '#platform/clock.js';
import { routeKey } from '#platform/http/route.js';
import { type Idempotency, idempotencyKeyOf, requestHashOf } from '#platform/idempotency.js';
import { formatFtns, parseFtns } from '#platform/money.js';
import { documentClient, type Table } from '#platform/table.js';
import { defaultRetry, type TransactItem } from '#platform/transaction.js';
import { budgetKey, membershipKey } from '#shared/budgets/budget.js';
import type { BudgetDeps } from '#shared/budgets/budget-deps.js';
import { type Charge, chargeBudget } from '#shared/budgets/charges.js';
import { DEVELOPMENT_ADMIN_KEY, ensureAdmin } from '#shared/identity/bootstrap.js';
import { entryPartition } from '#shared/ledger/posting.js';
import { type ApiResponse, apiClient } from '../support/http.js';
import { childBenchmark } from './child-benchmark.js';
import { countRequests, type RequestCounter, UNATTRIBUTED } from './request-counter.js';
import type { Benchmark, Section } from './section.js';
import { median, percentile, round } from './stats.js';

/**
 * Budget charges (`POST /v1/budgets/{id}/charges`) against one local AWS, interleaved: the
 * DynamoDB and SQS requests of a charge that crosses no alert threshold, of charges that cross
 * one or two, and of replays; and the latency of the common charge over HTTP against the bare
 * TransactWriteItems it sends.
 *
 * It runs in a child process of its own: the platform caches its configuration (table name,
 * queue URLs) and SDK clients per process, so a second local runtime in the process of another
 * benchmark (ledger.ts) would send to the first one's table on a stopped local AWS.
 */

const WARMUP = 20;
const RUNS = 200;
/** A replay after every REPLAY_EVERY-th measured HTTP charge. */
const REPLAY_EVERY = 4;
/** One step of the threshold budgets' sequence (STEPS) every THRESHOLD_EVERY-th iteration. */
const THRESHOLD_EVERY = 5;
const AMOUNT = '0.01';
/** The common charges' budget: its first threshold (50 %) is 500 000 FTNS away. */
const BIG_TOTAL = '1000000';
const SMALL_TOTAL = '100';
const CATEGORY = 'model_inference';
const COUNTER = 'prsmBenchRequestCounter';
const CHILD_TIMEOUT_MS = 5 * 60_000;
/** The notifications consumer's store of a published event: asynchronous, not part of any charge. */
const CONSUMER_PUT = 'PutItemCommand [EVENTS#]';

type Kind = 'fast' | 'raw' | 'replay' | 'below' | 'cross1' | 'cross2' | 'replayCross';

/**
 * A budget of SMALL_TOTAL FTNS with the default thresholds (50, 75, 90, 95 %), charged step by
 * step: 49 % crosses nothing, then 51 % crosses 50, 75 % crosses 75, and 95 % crosses 90 and 95
 * at once. A new budget starts when one has had every step.
 */
const STEPS: { amount: string; kind: 'below' | 'cross1' | 'cross2'; crosses: number[] }[] = [
  { amount: '49', kind: 'below', crosses: [] },
  { amount: '2', kind: 'cross1', crosses: [50] },
  { amount: '24', kind: 'cross1', crosses: [75] },
  { amount: '20', kind: 'cross2', crosses: [90, 95] },
];
const THRESHOLD_STEPS = Math.ceil((WARMUP + RUNS) / THRESHOLD_EVERY);
const SMALL_BUDGETS = Math.ceil(THRESHOLD_STEPS / STEPS.length);
const SMALL_GRANT = formatFtns(BigInt(SMALL_BUDGETS) * parseFtns(SMALL_TOTAL)! + parseFtns('100')!);
const BIG_GRANT = '100';

const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

function expectStatus(response: ApiResponse, status: number, what: string): void {
  if (response.status !== status) {
    throw new Error(`${what}: expected ${status}, got ${response.status} ${JSON.stringify(response.body)}`);
  }
}

/** The idempotency record POST /v1/budgets/{id}/charges stores, so the bare transaction writes what (a) writes. */
function idempotencyFor(
  scope: string,
  key: string,
  budgetId: string,
  body: Record<string, string>,
): Idempotency<Charge> {
  return {
    scope,
    key,
    requestHash: requestHashOf(routeKey(chargeRoute), { budgetId }, body),
    render: (charge) => ({ status: 201, body: JSON.stringify(chargeView(charge)) }),
  };
}

/**
 * The TransactItems that `chargeBudget()` sends first, exactly: it runs against a table whose
 * client records the command instead of sending it (no network, so outside any timing). With
 * nothing read, its plan is the fast one.
 */
async function chargeItems(
  deps: BudgetDeps,
  input: Parameters<typeof chargeBudget>[1],
  idempotency: Idempotency<Charge>,
): Promise<TransactItem[]> {
  let items: TransactItem[] | undefined;
  const recorder = {
    send: async (command: unknown) => {
      if (!(command instanceof TransactWriteCommand) || items) {
        throw new Error('chargeBudget() sent something besides one TransactWriteItems');
      }
      items = command.input.TransactItems;
      return {};
    },
  } as unknown as DynamoDBDocumentClient;
  await chargeBudget({ ...deps, table: { name: deps.table.name, doc: recorder } }, input, idempotency);
  if (!items) throw new Error('chargeBudget() sent no TransactWriteItems');
  return items;
}

/** "Update 3, Put 4": what kinds of write a transaction holds. */
function itemKinds(items: TransactItem[]): string {
  const kinds = new Map<string, number>();
  for (const item of items) {
    for (const kind of Object.keys(item)) kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  return [...kinds].map(([kind, count]) => `${kind} ${count}`).join(', ');
}

const sumOf = (map: Map<string, number>) => [...map.values()].reduce((a, b) => a + b, 0);

/** Requests per operation under one label, over some counters, the consumer's puts left out. */
function perOperation(counters: RequestCounter[], label: string, operations: number) {
  const merged = new Map<string, number>();
  const failed = new Map<string, number>();
  for (const counter of counters) {
    for (const [command, count] of counter.counts(label)) {
      if (command !== CONSUMER_PUT) merged.set(command, (merged.get(command) ?? 0) + count);
    }
    for (const [failure, count] of counter.failures(label)) {
      if (!failure.startsWith(CONSUMER_PUT)) failed.set(failure, (failed.get(failure) ?? 0) + count);
    }
  }
  // "TransactWriteItemsCommand [7 items]: TransactionCanceledException [...]" printed shorter.
  const shorter = (text: string) =>
    text.replace(/^TransactWriteItemsCommand (\[\d+ items\]): TransactionCanceledException/, 'Cancelled $1');
  const each = (map: Map<string, number>) =>
    [...map]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([command, count]) => `${shorter(command)} ${(count / operations).toFixed(2)}`)
      .join(' + ') || 'none';
  return {
    total: round(sumOf(merged) / operations, 2),
    breakdown: each(merged),
    failures: each(failed),
    byCommand: merged,
    failed,
  };
}

/** Items in the table (a scan: the table is small). */
async function countItems(table: Table): Promise<number> {
  let count = 0;
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await table.doc.send(
      new ScanCommand({ TableName: table.name, Select: 'COUNT', ExclusiveStartKey }),
    );
    count += page.Count ?? 0;
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return count;
}

/** The keys of a partition's items. */
async function keysOf(table: Table, pk: string): Promise<Record<string, string>[]> {
  const keys: Record<string, string>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await table.doc.send(
      new QueryCommand({
        TableName: table.name,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ProjectionExpression: 'pk, sk',
        ExclusiveStartKey,
      }),
    );
    for (const item of page.Items ?? []) keys.push({ pk: String(item.pk), sk: String(item.sk) });
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return keys;
}

async function deleteKeys(table: Table, keys: Record<string, string>[]): Promise<void> {
  const unique = [...new Map(keys.map((key) => [`${key.pk}\n${key.sk}`, key])).values()];
  for (let i = 0; i < unique.length; i += 25) {
    const { UnprocessedItems } = await table.doc.send(
      new BatchWriteCommand({
        RequestItems: {
          [table.name]: unique.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } })),
        },
      }),
    );
    if (Object.keys(UnprocessedItems ?? {}).length) throw new Error('clean-up left items unprocessed');
  }
}

async function measure(runtime: Runtime, endpoint: string, ownedAws: boolean): Promise<Section> {
  const api = apiClient(runtime.url, { validate: false });
  const adminKey = DEVELOPMENT_ADMIN_KEY;
  // The bare transactions and the clean-up use a client of their own, configured like the handlers' one.
  const benchClient = new DynamoDBClient({ region: process.env.AWS_REGION, maxAttempts: 3 });
  const bench: Table = { name: runtime.resources.tableName, doc: documentClient(benchClient) };
  const recordDeps: BudgetDeps = {
    table: bench,
    clock: systemClock,
    retry: defaultRetry,
    publish: async () => {
      throw new Error('a fast-path charge publishes nothing');
    },
  };
  await ensureAdmin(bench, adminKey);

  const newUser = async (name: string, grant: string) => {
    const response = await api('POST', '/v1/users', { key: adminKey, body: { name, role: 'user' } });
    expectStatus(response, 201, 'creating a user');
    const user = { id: String(response.body.user.id), key: String(response.body.apiKey) };
    const granted = await api('POST', '/v1/grants', {
      key: adminKey,
      body: { userId: user.id, amount: grant },
      headers: { 'idempotency-key': `bench-grant-${randomBytes(6).toString('hex')}` },
    });
    expectStatus(granted, 201, 'granting FTNS');
    return user;
  };
  const createBudget = async (owner: { key: string }, total: string) => {
    const response = await api('POST', '/v1/budgets', {
      key: owner.key,
      body: { name: `bench ${total}`, total },
    });
    expectStatus(response, 201, 'creating a budget');
    return String(response.body.id);
  };
  /** Charges the common budget: crosses nothing. */
  const member = await newUser('bench member', BIG_GRANT);
  /** Charges the threshold budgets. */
  const crosser = await newUser('bench crosser', SMALL_GRANT);
  const big = await createBudget(member, BIG_TOTAL);

  // The runtime runs in this process: the authorizer's and handlers' document client (table()) is
  // built on dynamoClient(), and they publish with sqsClient(), so middlewares on those stacks see
  // every request they send. The local SQS poller has a client of its own (not counted).
  const dynamoCounters = [countRequests(dynamoClient(), COUNTER), countRequests(benchClient, COUNTER)];
  const sqsCounter = countRequests(sqsClient(), COUNTER);
  const counters = [...dynamoCounters, sqsCounter];
  const setLabel = (label: string | undefined) => {
    for (const counter of counters) counter.label = label;
  };
  const timed = async (label: string, run: () => Promise<unknown>): Promise<number> => {
    setLabel(label);
    try {
      const start = performance.now();
      await run();
      return performance.now() - start;
    } finally {
      setLabel(undefined);
    }
  };
  const untimed = async <T>(label: string, run: () => Promise<T>): Promise<T> => {
    setLabel(label);
    try {
      return await run();
    } finally {
      setLabel(undefined);
    }
  };

  const amount = parseFtns(AMOUNT)!;
  const body = { amount: AMOUNT, category: CATEGORY };
  // One Idempotency-Key per kind of charge, used again each iteration: its record is deleted at
  // the end of the iteration (see cleanUp), so each use is a first use, and moto is not left an
  // empty partition per key.
  const runId = randomBytes(4).toString('hex');
  const keyOf = (kind: 'http' | 'raw' | 'small') => `bench-${runId}-${kind}`;
  /** What this iteration's charges wrote besides account balances and budgets, deleted before the next. */
  let written: Record<string, string>[] = [];
  const wroteCharge = (memberId: string, budgetId: string, key: string, charge: Record<string, unknown>) => {
    const at = new Date(String(charge.createdAt));
    written.push(
      { pk: entryPartition(memberId, at), sk: `ENTRY#${charge.id}` },
      { pk: entryPartition('revenue', at), sk: `ENTRY#${charge.id}` },
      { pk: budgetKey(budgetId).pk, sk: `CHARGE#${charge.id}` },
      idempotencyKeyOf({ scope: memberId, key }),
    );
  };
  /** Threshold budgets done with: deleted (budget item, alerts, membership) after the iteration. */
  let retired: string[] = [];
  const smallBudgets: string[] = [];

  const samples: Record<Kind, number[]> = {
    fast: [],
    raw: [],
    replay: [],
    below: [],
    cross1: [],
    cross2: [],
    replayCross: [],
  };
  let rawItems: TransactItem[] = [];
  const post = (user: { key: string }, budgetId: string, key: string, charge: Record<string, string>) =>
    api('POST', `/v1/budgets/${budgetId}/charges`, {
      key: user.key,
      body: charge,
      headers: { 'idempotency-key': key },
    });

  /** The same key and body again, after completion: must answer the stored first answer. */
  const replay = async (
    label: Kind,
    user: { key: string },
    budgetId: string,
    key: string,
    charge: Record<string, string>,
    answer: unknown,
  ) => {
    let response: ApiResponse | undefined;
    const ms = await timed(label, async () => {
      response = await post(user, budgetId, key, charge);
    });
    expectStatus(response!, 201, 'replayed POST /v1/budgets/{id}/charges');
    if (JSON.stringify(response!.body) !== JSON.stringify(answer)) {
      throw new Error(`replay of ${key} answered ${JSON.stringify(response!.body)}, not the stored answer`);
    }
    if (response!.headers.get('idempotent-replayed') !== 'true')
      throw new Error(`${key}: not marked a replay`);
    samples[label].push(ms);
  };

  let lastFast: string | undefined;
  /** (a): a charge of the big budget over HTTP. */
  const fast = async (label: string, measured: boolean, withReplay: boolean) => {
    const key = keyOf('http');
    let response: ApiResponse | undefined;
    const ms = await timed(label, async () => {
      response = await post(member, big, key, body);
    });
    expectStatus(response!, 201, 'POST /v1/budgets/{id}/charges');
    if (response!.body.id === lastFast) throw new Error(`${key} was answered as a replay: not cleaned up`);
    lastFast = response!.body.id;
    if (measured) samples.fast.push(ms);
    if (withReplay) await replay('replay', member, big, key, body, response!.body);
    wroteCharge(member.id, big, key, response!.body);
  };
  /** Its TransactWriteItems, recorded from chargeBudget() (untimed) and sent bare. */
  const raw = async (label: string, measured: boolean) => {
    const idempotency = idempotencyFor(member.id, keyOf('raw'), big, body);
    const items = await chargeItems(
      recordDeps,
      { budgetId: big, memberId: member.id, category: CATEGORY, amount },
      idempotency,
    );
    rawItems = items;
    for (const item of items) if (item.Put) written.push({ pk: item.Put.Item!.pk, sk: item.Put.Item!.sk });
    const ms = await timed(label, () => bench.doc.send(new TransactWriteCommand({ TransactItems: items })));
    if (measured) samples.raw.push(ms);
  };

  let small: { id: string; step: number } | undefined;
  /** Per threshold budget done with: the thresholds of its alerts, e.g. "50/75/90/95". */
  const alertsSeen: string[] = [];
  let smallSpent = 0n;
  let eventsExpected = 0;
  /** The next step of the threshold budgets' sequence, over HTTP. */
  const thresholdStep = async (measured: boolean) => {
    if (!small) {
      small = { id: await untimed('setup', () => createBudget(crosser, SMALL_TOTAL)), step: 0 };
      smallBudgets.push(small.id);
    }
    const { id } = small;
    const step = STEPS[small.step]!;
    const key = keyOf('small');
    const charge = { amount: step.amount, category: CATEGORY };
    let response: ApiResponse | undefined;
    const ms = await timed(measured ? step.kind : 'warmup', async () => {
      response = await post(crosser, id, key, charge);
    });
    expectStatus(response!, 201, `POST /v1/budgets/{id}/charges of ${step.amount}`);
    if (measured) {
      samples[step.kind].push(ms);
      if (step.crosses.length) await replay('replayCross', crosser, id, key, charge, response!.body);
    }
    wroteCharge(crosser.id, id, key, response!.body);
    smallSpent += parseFtns(step.amount)!;
    eventsExpected += step.crosses.length;
    small.step++;
    if (small.step < STEPS.length) return;
    const alerts = await untimed('check', () => api('GET', `/v1/budgets/${id}/alerts`, { key: crosser.key }));
    expectStatus(alerts, 200, 'GET /v1/budgets/{id}/alerts');
    const thresholds = alerts.body.items.map((alert: { kind: string; threshold: number }) =>
      alert.kind === 'threshold' ? alert.threshold : alert.kind,
    );
    alertsSeen.push(thresholds.join('/'));
    retired.push(id);
    small = undefined;
  };

  const deleteBudget = async (id: string) =>
    deleteKeys(bench, [...(await keysOf(bench, budgetKey(id).pk)), membershipKey(crosser.id, id)]);
  /** Keeps the table's size constant (see the notes): what this iteration wrote goes. */
  const cleanUp = async () => {
    await untimed('cleanup', async () => {
      await deleteKeys(bench, written);
      for (const id of retired) await deleteBudget(id);
    });
    written = [];
    retired = [];
  };

  process.stderr.write(
    `budgets: ${WARMUP} warm-up and ${RUNS} measured iterations of HTTP and bare charges, ` +
      `a threshold budget's step every ${THRESHOLD_EVERY}\n`,
  );
  const eventKeys = async () => {
    const keys: Record<string, string>[] = [];
    for (const id of smallBudgets) keys.push(...(await keysOf(bench, `EVENTS#budget:${id}`)));
    return keys;
  };
  let itemsAtStart = 0;
  let eventsAtStart = 0;
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const measured = i >= WARMUP;
    if (i === WARMUP) {
      itemsAtStart = await untimed('check', () => countItems(bench));
      eventsAtStart = (await untimed('check', eventKeys)).length;
    }
    const m = i - WARMUP;
    const label = (kind: 'fast' | 'raw') => (measured ? kind : 'warmup');
    // Alternate which goes first so that neither always follows the other.
    if (i % 2 === 0) {
      await fast(label('fast'), measured, measured && m % REPLAY_EVERY === 0);
      await raw(label('raw'), measured);
    } else {
      await raw(label('raw'), measured);
      await fast(label('fast'), measured, measured && m % REPLAY_EVERY === 0);
    }
    if (i % THRESHOLD_EVERY === 0) await thresholdStep(measured);
    await cleanUp();
  }

  if (small) await untimed('cleanup', () => deleteBudget(small!.id));

  // Every alert was published to the notifications queue; the local poller hands it to the
  // consumer, which stores it: wait for all of them, then delete them.
  let events = await untimed('check', eventKeys);
  for (let waited = 0; events.length < eventsExpected && waited < 10_000; waited += 250) {
    await new Promise((done) => setTimeout(done, 250));
    events = await untimed('check', eventKeys);
  }
  await untimed('cleanup', () => deleteKeys(bench, events));
  const itemsAtEnd = await untimed('check', () => countItems(bench));

  // The common budget's spent and both payers' balances: every charge of (a) and every bare
  // transaction charged AMOUNT; the threshold charges their steps; replays nothing.
  const charges = (WARMUP + RUNS) * 2;
  const read = (path: string, user: { key: string }) =>
    untimed('check', async () => {
      const response = await api('GET', path, { key: user.key });
      expectStatus(response, 200, `GET ${path}`);
      return response.body;
    });
  const checks = {
    spent: [(await read(`/v1/budgets/${big}`, member)).spent, formatFtns(BigInt(charges) * amount)],
    memberBalance: [
      (await read('/v1/accounts/me', member)).balance,
      formatFtns(parseFtns(BIG_GRANT)! - BigInt(charges) * amount),
    ],
    crosserBalance: [
      (await read('/v1/accounts/me', crosser)).balance,
      formatFtns(parseFtns(SMALL_GRANT)! - smallSpent),
    ],
  };
  const consumerPuts = dynamoCounters.reduce(
    (sum, counter) =>
      sum +
      [...counter.totals().keys()].reduce(
        (inCounter, label) => inCounter + (counter.counts(label).get(CONSUMER_PUT) ?? 0),
        0,
      ),
    0,
  );
  const unattributed = dynamoCounters.reduce(
    (sum, counter) => sum + (counter.totals().get(UNATTRIBUTED) ?? 0),
    0,
  );
  for (const counter of counters) counter.remove();
  benchClient.destroy();

  // ---- The report.
  const rawP50 = median(samples.raw);
  const rawMean = mean(samples.raw);
  const row = (title: string, kind: Kind) => {
    const values = samples[kind];
    const dynamo = perOperation(dynamoCounters, kind, values.length);
    const sqs = perOperation([sqsCounter], kind, values.length);
    return {
      dynamo,
      sqs,
      cells: [
        title,
        values.length,
        dynamo.total,
        dynamo.breakdown,
        dynamo.failures,
        sqs.total,
        round(mean(values), 2),
        round(median(values), 2),
        round(percentile(values, 95), 2),
        round(median(values) / rawP50, 2),
        round(mean(values) / rawMean, 2),
      ],
    };
  };
  const rows = {
    fast: row('(a) Charge crossing no threshold, over HTTP', 'fast'),
    raw: row('(a) its TransactWriteItems, sent bare', 'raw'),
    below: row('Charge of 49 % of a threshold budget (crosses nothing), over HTTP', 'below'),
    cross1: row('(b) Charge crossing one threshold (50 or 75 %), over HTTP', 'cross1'),
    cross2: row('(b) Charge crossing two at once (90 and 95 %), over HTTP', 'cross2'),
    replay: row('(c) Replay of (a), same key and body', 'replay'),
    replayCross: row('(c) Replay of (b), same key and body', 'replayCross'),
  };

  const AUTHORIZER_READ = 'GetItemCommand [APIKEY#]';
  const transaction = `TransactWriteItemsCommand [${rawItems.length} items]`;
  /** The transaction cancelled on these items' conditions, each item coming back with the cancellation. */
  const cancelledOn = (...items: number[]) =>
    `${transaction}: TransactionCanceledException [${items.map((item) => `item ${item} ConditionalCheckFailed, returned`).join('; ')}]`;
  const BUDGET_ITEM = 1;
  const IDEMPOTENCY_ITEM = rawItems.length;
  const ALERT_PUT = 'PutItemCommand [BUDGET#]';
  /** What one operation of a row sent, as { command: per operation }, DynamoDB and SQS together. */
  const sent = (r: (typeof rows)[keyof typeof rows], n: number) =>
    Object.fromEntries(
      [...r.dynamo.byCommand, ...r.sqs.byCommand].map(([command, count]) => [command, count / n]),
    );
  const failedOf = (r: (typeof rows)[keyof typeof rows], n: number) =>
    Object.fromEntries([...r.dynamo.failed].map(([failure, count]) => [failure, count / n]));
  const same = (a: Record<string, number>, b: Record<string, number>) =>
    JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
  const expect = (kind: Kind, requests: Record<string, number>, failures: Record<string, number>) =>
    same(sent(rows[kind], samples[kind].length), requests) &&
    same(failedOf(rows[kind], samples[kind].length), failures);
  const crossing = (thresholds: number) => ({
    [AUTHORIZER_READ]: 1,
    [transaction]: 2,
    [ALERT_PUT]: thresholds,
    SendMessageCommand: thresholds,
  });
  const verdict = (ok: boolean, text: string) => (ok ? text : `NOT AS EXPECTED (see the rows): ${text}`);
  const fastOk =
    expect('fast', { [AUTHORIZER_READ]: 1, [transaction]: 1 }, {}) &&
    expect('below', { [AUTHORIZER_READ]: 1, [transaction]: 1 }, {});
  const crossOk =
    expect('cross1', crossing(1), { [cancelledOn(BUDGET_ITEM)]: 1 }) &&
    expect('cross2', crossing(2), { [cancelledOn(BUDGET_ITEM)]: 1 });
  // A replay of a crossing charge may also fail the budget's condition, as the first charge did.
  const replayCrossFailures = failedOf(rows.replayCross, samples.replayCross.length);
  const replayOk =
    expect('replay', { [AUTHORIZER_READ]: 1, [transaction]: 1 }, { [cancelledOn(IDEMPOTENCY_ITEM)]: 1 }) &&
    same(sent(rows.replayCross, samples.replayCross.length), { [AUTHORIZER_READ]: 1, [transaction]: 1 }) &&
    Math.abs(Object.values(replayCrossFailures).reduce((a, b) => a + b, 0) - 1) < 1e-9 &&
    Object.keys(replayCrossFailures).every(
      (failure) =>
        failure === cancelledOn(IDEMPOTENCY_ITEM) || failure === cancelledOn(BUDGET_ITEM, IDEMPOTENCY_ITEM),
    );
  const gap = (kind: Kind, from: number[]) => round(median(samples[kind]) - median(from), 1);
  const drift = (values: number[]) =>
    `${round(median(values.slice(0, 50)), 1)} → ${round(median(values.slice(-50)), 1)}`;
  const allAlerts = alertsSeen.every((thresholds) => thresholds === '50/75/90/95');
  const checked = Object.entries(checks).map(
    ([what, [actual, expected]]) =>
      `${what} ${actual}${actual === expected ? '' : ` (EXPECTED ${expected})`}`,
  );

  return {
    title: 'Budget charge: DynamoDB and SQS requests and latency, HTTP vs bare transaction',
    columns: [
      'Operation',
      'n',
      'DynamoDB requests each',
      'By command',
      'Of which failed',
      'SQS requests each',
      'Mean ms',
      'p50 ms',
      'p95 ms',
      'p50 × bare',
      'Mean × bare',
    ],
    rows: Object.values(rows).map((r) => r.cells),
    notes: [
      `Against the local AWS at ${endpoint} (${ownedAws ? 'moto, started for this run' : 'AWS_ENDPOINT_URL, already running'}), ` +
        'with the local runtime in the same (child) process, sequentially. Each iteration charges the common budget ' +
        `(${BIG_TOTAL} FTNS, default thresholds) ${AMOUNT} FTNS twice: once over HTTP (a), once with the bare ` +
        `transaction, alternating which goes first; ${WARMUP} warm-up iterations, then ${RUNS} measured. After every ` +
        `${REPLAY_EVERY}th measured (a) the same request is sent again (c). Every ${THRESHOLD_EVERY}th iteration also takes ` +
        `the next step on a threshold budget (${SMALL_TOTAL} FTNS, thresholds 50/75/90/95 %, another member): 49 → 51 → ` +
        `75 → 95 FTNS, so steps cross nothing, 50, 75, then 90 and 95 at once; each crossing charge is replayed at once; a ` +
        `new budget after the last step (${smallBudgets.length} budgets, the first in the warm-up). Mean, nearest-rank ` +
        'p50 and p95 in ms; × bare divides by the bare transaction.',
      `The bare transaction is the exact TransactItems that chargeBudget() sends first (recorded each iteration, untimed, ` +
        'from a run against a client that does not send; with nothing read its plan is the fast one), fresh ids each ' +
        `time: ${rawItems.length} items (${itemKinds(rawItems)}): the budget's update (active, this period, remaining ≥ ` +
        "amount, untilNextAlert > amount, a member, category and member room), the member's debit on available ≥ amount, " +
        'the credit of revenue, the two entries, the charge record, the idempotency record (as the HTTP charge stores it).',
      "DynamoDB requests: counted by a middleware after the SDK's retry middleware (every attempt counts) on the " +
        "handlers' client (dynamoClient(), under table()) and on the bench's own client; SQS requests the same way on " +
        "sqsClient(), which publishToNotifications uses (the local queue poller's client is not counted). By command, " +
        `with the key prefix read or put, or the transaction's size; "Of which failed" lists those that came back with ` +
        'an error: "Cancelled [7 items] [item 1 ConditionalCheckFailed, returned]" is a TransactWriteItems cancelled on ' +
        `its first item's condition, that item coming back with the cancellation. ${AUTHORIZER_READ} is the ` +
        "authorizer's consistent read of the API key, once per HTTP request.",
      verdict(
        fastOk,
        `(a) meets the target: besides the authorizer's read, a charge that crosses no threshold is exactly one ` +
          'TransactWriteItems and nothing else (no read of the budget, no SQS), on the common budget and on a small one alike.',
      ),
      verdict(
        crossOk,
        "(b) against the issue's target (one write, plus one read and one conditional put only when a threshold is " +
          "crossed): besides the authorizer's read, a crossing charge sends the fast TransactWriteItems, which is cancelled " +
          `on item ${BUDGET_ITEM}, the budget's update (of its conditions only untilNextAlert > amount is false for these ` +
          'charges), and whose cancellation returns the budget (ReturnValuesOnConditionCheckFailure ALL_OLD): that ' +
          'cancelled transaction is the read (no GetItem is sent). Then ' +
          'one transaction planned from that budget (on condition version = the version read) is the one write, then one ' +
          'conditional PutItem of the alert (BUDGET# partition, ALERT# sort key, attribute_not_exists) and one SQS ' +
          'SendMessage to the notifications queue per threshold crossed. So the target holds for one threshold; a charge ' +
          `crossing two at once costs one put and one send per threshold (${rows.cross2.dynamo.total} DynamoDB requests ` +
          `in all). At p50 a crossing charge takes ${gap('cross1', samples.fast)} ms more than (a) (one threshold) and ` +
          `${gap('cross2', samples.fast)} ms more (two).`,
      ),
      verdict(
        replayOk,
        '(c) a replay sends the fast transaction again (a new charge id, the same key); it is cancelled on the ' +
          `idempotency record's condition (item ${IDEMPOTENCY_ITEM}), which wins over the budget's (a replay of a ` +
          'crossing charge that would cross again also fails item 1), and the record comes back with the ' +
          "cancellation: one request besides the authorizer's read, no alert, no " +
          'SQS. Every replay answered byte for byte the first answer, with idempotent-replayed: true.',
      ),
      `Ratios to the bare transaction: (a) p50 × ${rows.fast.cells[9]}, mean × ${rows.fast.cells[10]}; HTTP through the ` +
        `runtime adds ${gap('fast', samples.raw)} ms at p50 (the authorizer's GetItem, two in-process Lambda ` +
        'invocations, the local gateway, JSON, a loopback HTTP round trip).',
      "Absolute times are the local AWS's, not DynamoDB's or SQS's: moto_server.py serialises every DynamoDB request " +
        "behind one lock and evaluates a transaction's conditions in Python; moto keeps an empty partition for every key " +
        'ever touched. To keep the figures stationary, what each iteration wrote (entries, charge records, idempotency ' +
        'records; finished threshold budgets with their alerts and membership) is deleted afterwards, untimed, and each ' +
        'kind of charge reuses one Idempotency-Key (its record gone, so each use is a first use; a charge answered as a ' +
        `replay would show it was not): the table held ${itemsAtStart} items before the measured iterations (of which ` +
        `${eventsAtStart} alert events of the warm-up's threshold budget, deleted at the end) and ${itemsAtEnd} after. The common budget item itself stays and accumulates spent (it never comes near its first ` +
        `threshold). p50 of the bare transaction, first 50 → last 50 measured: ${drift(samples.raw)} ms; of (a): ` +
        `${drift(samples.fast)} ms. Interleaving spreads machine noise; the ratios and request counts are what carry over.`,
      `The notifications consumer (in-process, fed by the local poller) stored ${events.length} of the ` +
        `${eventsExpected} alert events published; its PutItem [EVENTS#] (${consumerPuts} in all) runs asynchronously, ` +
        'during whatever comes next, so it is left out of the rows. Each threshold budget ended with the alerts ' +
        `${allAlerts ? '50/75/90/95, as expected' : `${alertsSeen.join(', ')} (EXPECTED 50/75/90/95 each)`}.`,
      `Checks after the run: ${checked.join('; ')} (the common budget's spent: ${charges} charges × ${AMOUNT}; ` +
        'the replays moved nothing).',
      'Runs in a child process: the platform caches its configuration (table name, queue URLs) and its SDK clients per ' +
        "process, so a second local runtime in the process of another benchmark would use the first one's table on a " +
        'stopped local AWS.',
      ...(unattributed
        ? [
            `${unattributed} DynamoDB requests fell outside every label (setup, the schedules' first run at start).`,
          ]
        : []),
    ],
  };
}

export const budgets: Benchmark = await childBenchmark({
  name: 'budgets',
  file: import.meta.filename,
  timeoutMs: CHILD_TIMEOUT_MS,
  measure,
});
