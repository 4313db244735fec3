import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Runtime } from '#infra/local/runtime.js';
import { dynamoClient } from '#platform/aws-clients.js';
import { documentClient, type Table } from '#platform/table.js';
import { DEVELOPMENT_ADMIN_KEY, ensureAdmin } from '#shared/identity/bootstrap.js';
import { LISTING_TYPES } from '#shared/marketplace/catalogue.js';
import { DEMO_LISTINGS } from '#shared/marketplace/demo-catalogue.js';
import { entryItem, type Listing, listingItem, scopesOf } from '#shared/marketplace/listing.js';
import { type ApiResponse, apiClient } from '../support/http.js';
import { childBenchmark } from './child-benchmark.js';
import { countRequests, type RequestCounter } from './request-counter.js';
import type { Benchmark, Section } from './section.js';
import { median, percentile, round } from './stats.js';

/**
 * The marketplace against one local AWS: catalogue search over 10,000 active listings (seeded
 * with BatchWriteItem, not transactions), per search pattern the latency over HTTP and the
 * DynamoDB requests a page takes; and checkout, whose target is two DynamoDB requests per order
 * (one BatchGetItem, one TransactWriteItems) besides the authorizer's read of the API key.
 *
 * Like the budgets benchmark it runs in a child process of its own: the platform caches its
 * configuration and SDK clients per process.
 */

const LISTINGS = 10_000;
const TAGS = 40;
/** moto answers an index query by scanning the whole table (see the notes): few runs keep the benchmark short. */
const WARMUP = 1;
const RUNS = 10;
const ORDERS = 30;
const PAGE = 25;
const COUNTER = 'prsmBenchMarketplaceCounter';
const CHILD_TIMEOUT_MS = 20 * 60_000;
const AUTHORIZER_READ = 'GetItemCommand [APIKEY#]';
/** Two of these in every title, so a word matches about one listing in twenty. */
const WORDS = [
  'quantum',
  'protein',
  'genomics',
  'climate',
  'galaxy',
  'neural',
  'battery',
  'catalyst',
  'vaccine',
  'graphene',
  'ocean',
  'seismic',
  'fusion',
  'enzyme',
  'plasma',
  'photonic',
  'microbiome',
  'polymer',
  'aerosol',
  'soil',
  'robotic',
  'retina',
  'glacier',
  'exoplanet',
  'antibody',
  'superconductor',
  'wildfire',
  'coral',
  'neutrino',
  'wetland',
  'malaria',
  'lithium',
  'drought',
  'pulsar',
  'cortex',
  'isotope',
  'monsoon',
  'biofilm',
  'magnetar',
  'permafrost',
];
/** In ten titles only: a selective text filter. */
const RARE_WORD = 'zeolite';

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** A deterministic pseudo-random sequence, so every run seeds the same catalogue. */
function randomFrom(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function syntheticListing(i: number, next: () => number, sellers: string[]): Listing {
  const type = LISTING_TYPES[i % LISTING_TYPES.length]!;
  const template = DEMO_LISTINGS.find((listing) => listing.type === type)!;
  const words = [WORDS[Math.floor(next() * WORDS.length)]!, WORDS[Math.floor(next() * WORDS.length)]!];
  if (i % (LISTINGS / 10) === 0) words.push(RARE_WORD);
  // Prices spread log-uniformly from 0.50 to 2,000 FTNS, in whole hundredths.
  const price = BigInt(Math.round(50 * 4000 ** next())) * 10_000n;
  const ratingCount = next() < 0.3 ? 0 : Math.floor(next() * 40) + 1;
  const ratingSum =
    ratingCount === 0 ? 0 : Math.min(5 * ratingCount, Math.round(ratingCount * (1 + next() * 4)));
  const createdAt = new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString();
  return {
    id: `lst_bench${String(i).padStart(6, '0')}`,
    sellerId: sellers[i % sellers.length]!,
    type,
    title: `${words.join(' ')} ${type.replace('_', ' ')} ${i}`,
    description: `${template.description} Synthetic listing ${i} for the search benchmark.`,
    tags: [`tag-${i % TAGS}`],
    price,
    pricingModel: 'one_time',
    qualityGrade: 'community',
    status: 'active',
    metadata: template.metadata,
    ratingCount,
    ratingSum,
    version: 1,
    firstSoldAt: null,
    createdAt,
    updatedAt: createdAt,
  };
}

/** 10,000 listings and their catalogue entries, 25 items per BatchWriteItem, a few requests at a time. */
async function seedCatalogue(table: Table, sellers: string[]): Promise<{ items: number; seconds: number }> {
  const start = performance.now();
  const next = randomFrom(42);
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < LISTINGS; i++) {
    const listing = syntheticListing(i, next, sellers);
    items.push(listingItem(listing), ...scopesOf(listing).map((scope) => entryItem(listing, scope)));
  }
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  let done = 0;
  const worker = async () => {
    for (let batch = batches.pop(); batch; batch = batches.pop()) {
      let pending = batch.map((Item) => ({ PutRequest: { Item } }));
      while (pending.length > 0) {
        const { UnprocessedItems } = await table.doc.send(
          new BatchWriteCommand({ RequestItems: { [table.name]: pending } }),
        );
        pending = (UnprocessedItems?.[table.name] ?? []) as typeof pending;
      }
      if (++done % 400 === 0)
        process.stderr.write(`marketplace: seeded ${done * 25} of ${items.length} items\n`);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return { items: items.length, seconds: (performance.now() - start) / 1000 };
}

function expectStatus(response: ApiResponse, status: number, what: string): void {
  if (response.status !== status) {
    throw new Error(`${what}: expected ${status}, got ${response.status} ${JSON.stringify(response.body)}`);
  }
}

/** Requests under a label, by command, as one number and a breakdown per operation. */
function perOperation(counter: RequestCounter, label: string, operations: number) {
  const counts = counter.counts(label);
  const besides = [...counts].filter(([command]) => command !== AUTHORIZER_READ);
  const total = besides.reduce((sum, [, count]) => sum + count, 0) / operations;
  const breakdown = besides
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([command, count]) => `${command} ${round(count / operations, 2)}`)
    .join(' + ');
  return { total: round(total, 2), breakdown: breakdown || 'none' };
}

async function measure(runtime: Runtime, endpoint: string, ownedAws: boolean): Promise<Section> {
  const api = apiClient(runtime.url, { validate: false });
  const benchClient = new DynamoDBClient({ region: process.env.AWS_REGION, maxAttempts: 3 });
  const bench: Table = { name: runtime.resources.tableName, doc: documentClient(benchClient) };
  await ensureAdmin(bench, DEVELOPMENT_ADMIN_KEY);
  const adminKey = DEVELOPMENT_ADMIN_KEY;
  const newUser = async (name: string) => {
    const response = await api('POST', '/v1/users', { key: adminKey, body: { name, role: 'user' } });
    expectStatus(response, 201, 'creating a user');
    return { id: String(response.body.user.id), key: String(response.body.apiKey) };
  };
  const sellers = [await newUser('seller 1'), await newUser('seller 2'), await newUser('seller 3')];
  process.stderr.write(`marketplace: seeding ${LISTINGS} listings with BatchWriteItem\n`);
  const seeded = await seedCatalogue(
    bench,
    sellers.map((s) => s.id),
  );

  const counter = countRequests(dynamoClient(), COUNTER);
  const searcher = await newUser('searcher');
  const rows: (string | number)[][] = [];
  const timed = async (label: string, send: () => Promise<ApiResponse>) => {
    counter.label = label;
    try {
      const start = performance.now();
      const response = await send();
      const ms = performance.now() - start;
      expectStatus(response, label.includes('order') ? 201 : 200, label);
      return { ms, response };
    } finally {
      counter.label = undefined;
    }
  };

  // Search: each pattern WARMUP + RUNS times; requests per page counted per run for the maximum.
  const fifthPageCursor = async () => {
    let cursor = '';
    for (let page = 1; page < 5; page++) {
      const response = await api('GET', `/v1/listings?limit=${PAGE}${cursor ? `&cursor=${cursor}` : ''}`, {
        key: searcher.key,
      });
      cursor = response.body.nextCursor;
    }
    return cursor;
  };
  const patterns: [string, string][] = [
    ['whole catalogue, newest first', 'sort=newest'],
    ['type, by price', 'type=dataset&sort=price'],
    ['tag, by rating', 'tag=tag-7&sort=rating'],
    ['type and tag, newest first', 'type=dataset&tag=tag-7'],
    ['price range 10-50, by price (key condition)', 'minPrice=10&maxPrice=50&sort=price'],
    ['price range 10-50, newest first (filter)', 'minPrice=10&maxPrice=50&sort=newest'],
    ['rating at least 4, by rating (key condition)', 'minRating=4&sort=rating'],
    ['rating at least 4, newest first (filter)', 'minRating=4&sort=newest'],
    ['text q=quantum (filter, ~1 in 20)', 'q=quantum'],
    [`text q=${RARE_WORD} (filter, 10 of 10,000)`, `q=${RARE_WORD}`],
    ['fifth page, newest first (cursor)', `cursor=${await fifthPageCursor()}`],
  ];
  process.stderr.write(`marketplace: ${patterns.length} search patterns, ${WARMUP} + ${RUNS} runs each\n`);
  for (const [name, query] of patterns) {
    const samples: number[] = [];
    const queries: number[] = [];
    const returned: number[] = [];
    let continued = 0;
    for (let i = 0; i < WARMUP + RUNS; i++) {
      const label = i < WARMUP ? 'warmup' : `search ${name}`;
      const before = counter.counts(label).get('QueryCommand') ?? 0;
      const { ms, response } = await timed(label, () =>
        api('GET', `/v1/listings?limit=${PAGE}&${query}`, { key: searcher.key }),
      );
      if (i < WARMUP) continue;
      samples.push(ms);
      queries.push((counter.counts(label).get('QueryCommand') ?? 0) - before);
      returned.push(response.body.items.length);
      if (response.body.nextCursor) continued++;
    }
    const requests = perOperation(counter, `search ${name}`, RUNS);
    process.stderr.write(
      `marketplace: ${name}: p50 ${round(median(samples), 1)} ms, ${requests.breakdown}\n`,
    );
    rows.push([
      `search: ${name}`,
      RUNS,
      requests.total,
      `${requests.breakdown} (max ${Math.max(...queries)} Query)`,
      round(mean(returned), 1),
      round(median(samples), 1),
      round(percentile(samples, 95), 1),
      continued === RUNS ? 'yes' : continued === 0 ? 'no' : `${continued} of ${RUNS}`,
    ]);
  }

  // Checkout: one line, three lines from three sellers, and replays.
  const listings: string[][] = [[], [], []];
  for (const [s, seller] of sellers.entries()) {
    for (let i = 0; i < 3; i++) {
      const response = await api('POST', '/v1/listings', {
        key: seller.key,
        body: {
          type: 'ai_model',
          title: `Per-call model ${s}-${i}`,
          description: 'Checkout benchmark',
          price: '1.25',
          pricingModel: 'pay_per_use',
          metadata: DEMO_LISTINGS.find((l) => l.type === 'ai_model')!.metadata,
        },
      });
      expectStatus(response, 201, 'creating a listing');
      listings[s]!.push(String(response.body.id));
    }
  }
  const buyer = await newUser('buyer');
  expectStatus(
    await api('POST', '/v1/grants', {
      key: adminKey,
      body: { userId: buyer.id, amount: '100000' },
      headers: { 'idempotency-key': `bench-${randomBytes(6).toString('hex')}` },
    }),
    201,
    'granting FTNS',
  );
  // Far from its first alert threshold: every order takes the budget's read-free plan.
  const budget = await api('POST', '/v1/budgets', {
    key: buyer.key,
    body: { name: 'bench', total: '10000000' },
  });
  expectStatus(budget, 201, 'creating a budget');
  const order = (ids: string[], key = `bench-${randomBytes(8).toString('hex')}`) =>
    api('POST', '/v1/orders', {
      key: buyer.key,
      body: {
        items: ids.map((listingId) => ({ listingId })),
        budgetId: budget.body.id,
        category: 'marketplace_trading',
      },
      headers: { 'idempotency-key': key },
    });
  process.stderr.write(
    `marketplace: ${ORDERS} orders of one line, ${ORDERS} of three, ${ORDERS / 4} replays\n`,
  );
  const orderCases: [string, () => string[]][] = [
    ['order: one line', () => [listings[0]![0]!]],
    ['order: three lines, three sellers', () => listings.map((l) => l[1]!)],
  ];
  let lastKey = '';
  const replays: number[] = [];
  for (const [name, ids] of orderCases) {
    const samples: number[] = [];
    for (let i = 0; i < WARMUP + ORDERS; i++) {
      const key = `bench-${randomBytes(8).toString('hex')}`;
      const { ms } = await timed(i < WARMUP ? 'warmup-order' : name, () => order(ids(), key));
      if (i >= WARMUP) samples.push(ms);
      lastKey = key;
      if (i >= WARMUP && i % 4 === 0 && name === orderCases[0]![0]) {
        const replay = await timed('order: replay of a completed order', () => order(ids(), lastKey));
        replays.push(replay.ms);
      }
    }
    const requests = perOperation(counter, name, ORDERS);
    rows.push([
      name,
      ORDERS,
      requests.total,
      requests.breakdown,
      ids().length,
      round(median(samples), 1),
      round(percentile(samples, 95), 1),
      '-',
    ]);
  }
  const replayRequests = perOperation(counter, 'order: replay of a completed order', replays.length);
  rows.push([
    'order: replay of a completed order',
    replays.length,
    replayRequests.total,
    replayRequests.breakdown,
    1,
    round(median(replays), 1),
    round(percentile(replays, 95), 1),
    '-',
  ]);
  counter.remove();
  benchClient.destroy();

  const checkoutRows = rows.filter(
    (row) => String(row[0]).startsWith('order: one') || String(row[0]).startsWith('order: three'),
  );
  const target = checkoutRows.every((row) => row[2] === 2)
    ? 'Target met: every order is two DynamoDB requests, one BatchGetItem and one TransactWriteItems (besides the authorizer).'
    : `TARGET MISSED: ${checkoutRows.map((row) => `${row[0]} ${row[2]}`).join(', ')} requests per order (target 2).`;
  return {
    title: 'Marketplace: catalogue search over 10,000 listings, and checkout',
    columns: [
      'Operation',
      'n',
      'DynamoDB requests each',
      'By command',
      'Listings (search) / lines (order)',
      'p50 ms',
      'p95 ms',
      'Next page',
    ],
    rows,
    notes: [
      `Against the local AWS at ${endpoint} (${ownedAws ? 'moto, started for this run' : 'AWS_ENDPOINT_URL, already running'}), ` +
        'through HTTP and the local runtime in this process, one request at a time. Pages of 25.',
      `Seeded ${LISTINGS} active listings of the nine types with one tag each (of ${TAGS}), prices 0.50-2,000 FTNS, ` +
        `70 % rated: ${seeded.items} items (each listing and its ${scopesOf({ type: 'dataset', tags: ['x'] }).length} ` +
        `catalogue entries) in ${Math.ceil(seeded.items / 25)} BatchWriteItem requests, ${round(seeded.seconds, 1)} s.`,
      "DynamoDB requests: counted on the handlers' client by a middleware after the SDK retry middleware (every attempt " +
        `counts), by command; the authorizer's ${AUTHORIZER_READ}, one per HTTP request, is left out of the figures. ` +
        'A search page is one Query unless a filter (text, or the range the sort does not cover) leaves it short: it ' +
        'then reads ahead (sized by the share of entries the filter let through so far, up to 200 a request) and ' +
        'queries again, at most 8 times, then answers a short page ' +
        'with a cursor.',
      target,
      'A replay sends only the BatchGetItem: the idempotency record comes back with the listings, and its stored answer ' +
        'is returned without a transaction.',
      "Absolute times are the local AWS's, not DynamoDB's: moto serialises DynamoDB requests and answers a query on a " +
        'global secondary index by scanning and sorting every item of the table (here about ' +
        `${seeded.items} items), so a search costs about the same whatever it asks for. On DynamoDB a Query reads only ` +
        'its partition, in key order: what carries over is the number of requests and items per page.',
      'Runs in a child process: the platform caches its configuration (table name, queue URLs) and SDK clients per process.',
    ],
  };
}

export const marketplace: Benchmark = await childBenchmark({
  name: 'marketplace',
  file: import.meta.filename,
  timeoutMs: CHILD_TIMEOUT_MS,
  throttling: 'off',
  measure,
});
