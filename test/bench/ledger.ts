import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  ScanCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { transferView } from '#functions/ledger/views.js';
import { startLocalAws } from '#infra/local/local-aws.js';
import { type Runtime, startRuntime } from '#infra/local/runtime.js';
import { dynamoClient } from '#platform/aws-clients.js';
import { systemClock } from '#platform/clock.js';
import { type Idempotency, idempotencyKeyOf, requestHashOf } from '#platform/idempotency.js';
import { formatFtns, parseFtns } from '#platform/money.js';
import { documentClient, type Table } from '#platform/table.js';
import { defaultRetry, type TransactItem } from '#platform/transaction.js';
import { DEVELOPMENT_ADMIN_KEY, ensureAdmin } from '#shared/identity/bootstrap.js';
import type { LedgerDeps } from '#shared/ledger/ledger.js';
import { entryPartition, type Transfer } from '#shared/ledger/posting.js';
import { transfer } from '#shared/ledger/transfers.js';
import { type ApiResponse, apiClient } from '../support/http.js';
import { countRequests, type RequestCounter, UNATTRIBUTED } from './request-counter.js';
import type { Benchmark, Section } from './section.js';
import { median, percentile, round } from './stats.js';

/**
 * One FTNS transfer three ways against the same local AWS, interleaved: over HTTP through the
 * local runtime (authorizer + handler + transaction), the `transfer()` domain function called
 * directly, and the bare TransactWriteItems that `transfer()` sends. Also counts the DynamoDB
 * requests each one makes, including a replay of a completed request.
 */

const WARMUP = 20;
const RUNS = 200;
/** A replay after every REPLAY_EVERY-th measured HTTP transfer. */
const REPLAY_EVERY = 4;
const AMOUNT = '0.01';
const GRANT = '1000';
const COUNTER = 'prsmBenchRequestCounter';
const TRANSFER_ROUTE = 'POST /v1/transfers';

type Op = 'http' | 'domain' | 'raw';
const OPS: Op[] = ['http', 'domain', 'raw'];

const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

/** An idempotency record like the one POST /v1/transfers stores, so (b) and (c) write what (a) writes. */
function idempotencyFor(scope: string, key: string, body: unknown): Idempotency<Transfer> {
  return {
    scope,
    key,
    requestHash: requestHashOf(TRANSFER_ROUTE, {}, JSON.stringify(body)),
    render: (moved) => ({ status: 201, body: JSON.stringify(transferView(moved)) }),
  };
}

/**
 * The TransactItems that `transfer()` sends, exactly: it runs against a table whose client
 * records the command instead of sending it (no network, so outside any timing).
 */
async function transferItems(
  deps: LedgerDeps,
  input: Parameters<typeof transfer>[1],
  idempotency: Idempotency<Transfer>,
): Promise<TransactItem[]> {
  let items: TransactItem[] | undefined;
  const recorder = {
    send: async (command: TransactWriteCommand) => {
      items = command.input.TransactItems;
      return {};
    },
  } as unknown as DynamoDBDocumentClient;
  await transfer({ ...deps, table: { name: deps.table.name, doc: recorder } }, input, idempotency);
  if (!items) throw new Error('transfer() sent no TransactWriteItems');
  return items;
}

/** "ConditionCheck 1, Update 2, Put 3": what kinds of write a transaction holds. */
function itemKinds(items: TransactItem[]): string {
  const kinds = new Map<string, number>();
  for (const item of items) {
    for (const kind of Object.keys(item)) kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  return [...kinds].map(([kind, count]) => `${kind} ${count}`).join(', ');
}

/** Requests per operation under one label, over both counted clients: total and by command. */
function perOperation(counters: RequestCounter[], label: string, operations: number) {
  const merged = new Map<string, number>();
  for (const counter of counters) {
    for (const [command, count] of counter.counts(label))
      merged.set(command, (merged.get(command) ?? 0) + count);
  }
  const total = [...merged.values()].reduce((a, b) => a + b, 0) / operations;
  const breakdown = [...merged]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([command, count]) => `${command} ${(count / operations).toFixed(2)}`)
    .join(' + ');
  return { total: round(total, 2), breakdown: breakdown || 'none', byCommand: merged };
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

function expectStatus(response: ApiResponse, status: number, what: string): void {
  if (response.status !== status) {
    throw new Error(`${what}: expected ${status}, got ${response.status} ${JSON.stringify(response.body)}`);
  }
}

async function measure(runtime: Runtime, endpoint: string, ownedAws: boolean): Promise<Section> {
  const api = apiClient(runtime.url, { validate: false });
  const adminKey = DEVELOPMENT_ADMIN_KEY;
  // The direct calls use a client of their own, configured like the handlers' one.
  const benchClient = new DynamoDBClient({ region: process.env.AWS_REGION, maxAttempts: 3 });
  const bench: Table = { name: runtime.resources.tableName, doc: documentClient(benchClient) };
  const deps: LedgerDeps = { table: bench, clock: systemClock, retry: defaultRetry };
  await ensureAdmin(bench, adminKey);

  const newUser = async (name: string) => {
    const response = await api('POST', '/v1/users', { key: adminKey, body: { name, role: 'user' } });
    expectStatus(response, 201, 'creating a user');
    return { id: String(response.body.user.id), key: String(response.body.apiKey) };
  };
  const payer = await newUser('bench payer');
  const payee = await newUser('bench payee');
  const granted = await api('POST', '/v1/grants', {
    key: adminKey,
    body: { userId: payer.id, amount: GRANT },
    headers: { 'idempotency-key': `bench-grant-${randomBytes(6).toString('hex')}` },
  });
  expectStatus(granted, 201, 'granting FTNS');

  // The runtime runs in this process: the handlers' document client (table()) is built on this
  // very client, so a middleware on its stack sees every request the authorizer and handlers send.
  const counters = [countRequests(dynamoClient(), COUNTER), countRequests(benchClient, COUNTER)];
  const setLabel = (label: string | undefined) => {
    for (const counter of counters) counter.label = label;
  };

  const amount = parseFtns(AMOUNT)!;
  const body = { to: payee.id, amount: AMOUNT };
  // One Idempotency-Key per operation, used again each iteration: its record is deleted at the end
  // of the iteration before (see cleanUp), so each use is a first use. Fresh keys would each leave
  // an empty partition behind in moto, which keeps them all and slows down as they grow.
  const runId = randomBytes(4).toString('hex');
  const keyOf = (op: Op) => `bench-${runId}-${op}`;
  let rawItems: TransactItem[] = [];
  /** What this iteration's transfers wrote besides account balances, deleted before the next. */
  let written: Record<string, string>[] = [];
  const wrote = (transferId: string, key: string) => {
    const now = new Date();
    written.push(
      { pk: entryPartition(payer.id, now), sk: `ENTRY#${transferId}` },
      { pk: entryPartition(payee.id, now), sk: `ENTRY#${transferId}` },
      idempotencyKeyOf({ scope: payer.id, key }),
    );
  };
  const postTransfer = (key: string) =>
    api('POST', '/v1/transfers', { key: payer.key, body, headers: { 'idempotency-key': key } });
  let lastHttp: { key: string; answer: unknown } | undefined;

  /** Does the untimed preparation and returns the timed part. */
  const prepare: Record<Op, () => Promise<() => Promise<unknown>>> = {
    http: async () => {
      const key = keyOf('http');
      const previous = (lastHttp?.answer as { id?: string } | undefined)?.id;
      return async () => {
        const response = await postTransfer(key);
        expectStatus(response, 201, 'POST /v1/transfers');
        if (response.body.id === previous) throw new Error(`${key} was answered as a replay: not cleaned up`);
        lastHttp = { key, answer: response.body };
        wrote(String(response.body.id), key);
      };
    },
    domain: async () => {
      const key = keyOf('domain');
      const idempotency = idempotencyFor(payer.id, key, body);
      return async () => {
        const moved = await transfer(deps, { from: payer.id, to: payee.id, amount }, idempotency);
        wrote(moved.id, key);
      };
    },
    raw: async () => {
      const idempotency = idempotencyFor(payer.id, keyOf('raw'), body);
      const items = await transferItems(deps, { from: payer.id, to: payee.id, amount }, idempotency);
      rawItems = items;
      for (const item of items) if (item.Put) written.push({ pk: item.Put.Item!.pk, sk: item.Put.Item!.sk });
      return () => bench.doc.send(new TransactWriteCommand({ TransactItems: items }));
    },
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

  /** The same key and body again, after completion: must answer the stored first answer. */
  const replay = async (): Promise<number> => {
    const { key, answer } = lastHttp!;
    let response: ApiResponse | undefined;
    const ms = await timed('replay', async () => {
      response = await postTransfer(key);
    });
    expectStatus(response!, 201, 'replayed POST /v1/transfers');
    if (JSON.stringify(response!.body) !== JSON.stringify(answer)) {
      throw new Error(`replay of ${key} answered ${JSON.stringify(response!.body)}, not the stored answer`);
    }
    return ms;
  };

  /** moto's transactions slow down as the table grows (see the notes): keep its size constant. */
  const cleanUp = async () => {
    if (!written.length) return;
    setLabel('cleanup');
    try {
      const { UnprocessedItems } = await bench.doc.send(
        new BatchWriteCommand({
          RequestItems: { [bench.name]: written.map((Key) => ({ DeleteRequest: { Key } })) },
        }),
      );
      if (Object.keys(UnprocessedItems ?? {}).length) throw new Error('clean-up left items unprocessed');
    } finally {
      setLabel(undefined);
    }
    written = [];
  };

  process.stderr.write(
    `ledger: ${WARMUP} warm-up and ${RUNS} measured iterations of HTTP, domain and raw transfers\n`,
  );
  const samples: Record<Op, number[]> = { http: [], domain: [], raw: [] };
  const replays: number[] = [];
  let itemsAtStart = 0;
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const measured = i >= WARMUP;
    // After the warm-up, which created the payee's account item.
    if (i === WARMUP) itemsAtStart = await countItems(bench);
    // Round-robin, rotating which goes first so that no operation always follows the same one.
    for (let j = 0; j < OPS.length; j++) {
      const op = OPS[(i + j) % OPS.length]!;
      const run = await prepare[op]();
      const ms = await timed(measured ? op : 'warmup', run);
      if (measured) samples[op].push(ms);
      if (op === 'http' && measured && (i - WARMUP) % REPLAY_EVERY === 0) replays.push(await replay());
    }
    await cleanUp();
  }
  const itemsAtEnd = await countItems(bench);

  // Every transfer, of all three kinds, moved AMOUNT from the payer; replays moved nothing.
  const transfers = WARMUP * OPS.length + RUNS * OPS.length;
  const account = await api('GET', '/v1/accounts/me', { key: payer.key });
  expectStatus(account, 200, 'GET /v1/accounts/me');
  const expected = formatFtns(parseFtns(GRANT)! - BigInt(transfers) * amount);
  const balanceNote =
    account.body.balance === expected
      ? `The payer's balance after the run is ${account.body.balance} FTNS, as expected (${GRANT} granted ` +
        `− ${transfers} transfers × ${AMOUNT}; the replays moved nothing).`
      : `BALANCE MISMATCH: the payer's balance is ${account.body.balance} FTNS, expected ${expected} ` +
        `(${GRANT} − ${transfers} × ${AMOUNT}).`;
  for (const counter of counters) counter.remove();
  benchClient.destroy();

  const rawP50 = median(samples.raw);
  const rawMean = mean(samples.raw);
  const row = (title: string, label: string, values: number[]) => {
    const requests = perOperation(counters, label, values.length);
    return {
      requests,
      cells: [
        title,
        values.length,
        requests.total,
        requests.breakdown,
        round(mean(values), 2),
        round(median(values), 2),
        round(percentile(values, 95), 2),
        round(median(values) / rawP50, 2),
        round(mean(values) / rawMean, 2),
      ],
    };
  };
  const http = row('(a) POST /v1/transfers over HTTP', 'http', samples.http);
  const domain = row('(b) transfer() called directly', 'domain', samples.domain);
  const raw = row('(c) its TransactWriteItems, sent bare', 'raw', samples.raw);
  const replayed = row('Replay of a completed POST /v1/transfers', 'replay', replays);

  const transactions = (requests: ReturnType<typeof perOperation>, operations: number) =>
    [...requests.byCommand]
      .filter(([command]) => command.startsWith('TransactWriteItemsCommand'))
      .reduce((sum, [, count]) => sum + count, 0) / operations;
  const others = (requests: ReturnType<typeof perOperation>) =>
    [...requests.byCommand.keys()].filter((command) => !command.startsWith('TransactWriteItemsCommand'));
  const httpTransactions = transactions(http.requests, RUNS);
  const target =
    httpTransactions === 1 && transactions(replayed.requests, replays.length) === 1
      ? 'Target met: each transfer, and each replay, is exactly one TransactWriteItems.'
      : `TARGET MISSED: ${httpTransactions.toFixed(2)} TransactWriteItems per HTTP transfer and ` +
        `${transactions(replayed.requests, replays.length).toFixed(2)} per replay (target 1).`;
  const unattributed = counters.reduce((sum, counter) => sum + (counter.totals().get(UNATTRIBUTED) ?? 0), 0);
  const gap = (values: number[]) => round(median(values) - rawP50, 1);
  const adds = (values: number[]) =>
    Math.abs(gap(values)) < 1 ? `nothing measurable (${gap(values)} ms)` : `${gap(values)} ms`;
  const drift = (values: number[]) =>
    `${round(median(values.slice(0, 50)), 1)} → ${round(median(values.slice(-50)), 1)}`;
  const AUTHORIZER_READ = 'GetItemCommand [APIKEY#]';
  const readsBesidesAuthorizer = (requests: ReturnType<typeof perOperation>) =>
    others(requests).filter((command) => command !== AUTHORIZER_READ);
  const describeReads = (requests: ReturnType<typeof perOperation>) => {
    const extra = readsBesidesAuthorizer(requests);
    return extra.length ? `also sends ${extra.join(', ')}` : 'sends no other request';
  };

  return {
    title: 'Ledger transfer: DynamoDB requests and latency, HTTP vs domain call vs bare transaction',
    columns: [
      'Operation',
      'n',
      'DynamoDB requests each',
      'By command',
      'Mean ms',
      'p50 ms',
      'p95 ms',
      'p50 × bare',
      'Mean × bare',
    ],
    rows: [http.cells, domain.cells, raw.cells, replayed.cells],
    notes: [
      `Against the local AWS at ${endpoint} (${ownedAws ? 'moto, started for this run' : 'AWS_ENDPOINT_URL, already running'}), ` +
        'with the local runtime in this process, sequentially. Each iteration runs (a), (b) and (c) once, ' +
        `rotating which goes first; ${WARMUP} warm-up iterations, then ${RUNS} measured. Each moves ${AMOUNT} FTNS ` +
        'from the same payer to the same payee under an Idempotency-Key that has no record (see below); (b) and (c) ' +
        'store the same idempotency record as (a). Mean, then nearest-rank p50 (median) and p95, in ms; × bare divides by (c).',
      `(c) is the exact TransactItems that transfer() builds (recorded from a run of transfer() against a client that ` +
        `does not send, untimed), sent with TransactWriteCommand: ${rawItems.length} items (${itemKinds(rawItems)}): ` +
        "the payee's user item must exist, the payer's debit on condition available ≥ amount, the payee's credit, " +
        'the two entries, the idempotency record.',
      'DynamoDB requests: counted by a middleware in the finalizeRequest step after the SDK retry middleware (every ' +
        "attempt counts) on the handlers' client (dynamoClient(), under table()) and on the client of (b) and (c), " +
        `by command, with the key prefix read or the transaction's size. ${AUTHORIZER_READ} is the authorizer's ` +
        `consistent read of the API key's hash item, once per HTTP request; besides it the transfer handler ` +
        `${describeReads(http.requests)}.`,
      target,
      `Every ${REPLAY_EVERY}th measured HTTP transfer is sent again right after it completed, same key and body ` +
        `(${replays.length} replays): the handler sends its one transaction again (a new transfer id, the same key), ` +
        "DynamoDB cancels it on the idempotency record's condition and returns the stored record with the " +
        "cancellation (ReturnValuesOnConditionCheckFailure ALL_OLD); besides the authorizer's read the replay " +
        `${describeReads(replayed.requests)}. Every replay answered byte for byte the first answer.`,
      `Ratios of p50: (a)/(c) = ${http.cells[7]}, (b)/(c) = ${domain.cells[7]}. Over the bare transaction, HTTP ` +
        `through the runtime adds ${adds(samples.http)} at p50 (the authorizer's GetItem, two in-process Lambda ` +
        `invocations, the local gateway, JSON, a loopback HTTP round trip); the domain function adds ${adds(samples.domain)}.`,
      "Absolute times are the local AWS's, not DynamoDB's: moto_server.py serialises all DynamoDB requests behind " +
        "one lock (and replaces moto's TransactWriteItems, which copied the whole table once per item, with one " +
        'that keeps only the touched items); moto still keeps an empty partition for every partition key ever ' +
        'touched, deleted or not, and slows down as they grow. To keep the figures stationary, each ' +
        "iteration's entries and idempotency records are deleted afterwards (untimed, one BatchWriteItem), and each " +
        'operation uses the same Idempotency-Key every iteration (its record gone, so each use is a first use; a ' +
        'transfer answered as a replay, or a balance off, would show it was not): the table held ' +
        `${itemsAtStart} items before the measured iterations and ${itemsAtEnd} after. p50 of (c), first 50 → last 50 ` +
        `measured: ${drift(samples.raw)} ms; of (a): ${drift(samples.http)} ms. Interleaving spreads machine noise ` +
        'over all three; the ratios and differences are what carry over.',
      balanceNote,
      ...(unattributed
        ? [
            `${unattributed} DynamoDB requests fell outside the operations above (setup, checks, the schedules' first run at start).`,
          ]
        : []),
    ],
  };
}

async function run(): Promise<Section> {
  const savedEnv = { ...process.env };
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  // The health sweep's first run at start would print its EMF metrics into the report on stdout.
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const aws = await startLocalAws();
  let runtime: Runtime | undefined;
  try {
    runtime = await startRuntime({
      prefix: `bench-${randomBytes(3).toString('hex')}`,
      port: 0,
      scheduleIntervalSeconds: 3600,
      log: () => {},
    });
    return await measure(runtime, aws.endpoint, aws.owned);
  } finally {
    await runtime?.stop();
    await aws.stop();
    // Leave no endpoint of a stopped local AWS, nor this runtime's table, behind for later benchmarks.
    for (const name of Object.keys(process.env)) if (!(name in savedEnv)) delete process.env[name];
    Object.assign(process.env, savedEnv);
  }
}

export const ledger: Benchmark = { name: 'ledger', run };
