// A bounded load test against the local runtime, on loopback only: virtual users run the
// scenarios below for a fixed time, then it stops by itself and reports throughput, latency
// percentiles, errors and the ledger audit.
// Usage: npm run load [-- --users 20 --seconds 30]
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { startLocalAws } from '#infra/local/local-aws.js';
import { startRuntime } from '#infra/local/runtime.js';
import { documentClient } from '#platform/table.js';
import { DEVELOPMENT_ADMIN_KEY, ensureAdmin } from '#shared/identity/bootstrap.js';
import { type Scenario, scenarios, type VirtualUser } from './scenarios.js';
import { percentile } from './stats.js';

const { values } = parseArgs({
  options: { users: { type: 'string', default: '16' }, seconds: { type: 'string', default: '20' } },
});
const USERS = Math.min(Number(values.users), 200);
const SECONDS = Math.min(Number(values.seconds), 600);

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

const aws = await startLocalAws();
const runtime = await startRuntime({
  prefix: `load-${randomBytes(3).toString('hex')}`,
  port: 0,
  scheduleIntervalSeconds: 3600,
  // Measured as a whole: the per-key limit would only measure the limiter.
  throttling: 'off',
  log: () => {},
});
const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
await ensureAdmin(
  { name: runtime.resources.tableName, doc: documentClient(new DynamoDBClient({})) },
  DEVELOPMENT_ADMIN_KEY,
);

interface Sample {
  scenario: string;
  ms: number;
  status: number;
}
const samples: Sample[] = [];
const call = async (
  scenario: string,
  method: string,
  path: string,
  key: string,
  body?: unknown,
  idempotencyKey?: string,
) => {
  const started = performance.now();
  const headers: Record<string, string> = {
    authorization: `Bearer ${key}`,
    'content-type': 'application/json',
  };
  if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
  const response = await fetch(`${runtime.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  samples.push({ scenario, ms: performance.now() - started, status: response.status });
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
};

const admin = DEVELOPMENT_ADMIN_KEY;
const users: VirtualUser[] = [];
for (let i = 0; i < USERS; i++) {
  const created = await call('setup', 'POST', '/v1/users', admin, { name: `load ${i}` });
  await call(
    'setup',
    'POST',
    '/v1/grants',
    admin,
    { userId: created.body.user.id, amount: '100000' },
    `load-grant-${i}`,
  );
  users.push({ id: created.body.user.id, key: created.body.apiKey, state: {} });
}
for (const scenario of scenarios) await scenario.prepare?.(users, call);

console.error(`load: ${USERS} virtual users for ${SECONDS} s against ${runtime.url}`);
const until = Date.now() + SECONDS * 1000;
let operation = 0;
await Promise.all(
  users.map(async (user, index) => {
    while (Date.now() < until) {
      const scenario: Scenario = scenarios[(index + operation++) % scenarios.length]!;
      await scenario.run(user, users, call, `op-${index}-${operation}`);
    }
  }),
);

const measured = samples.filter((s) => s.scenario !== 'setup');
const rows = [...new Set(measured.map((s) => s.scenario))].map((scenario) => {
  const mine = measured.filter((s) => s.scenario === scenario);
  const ms = mine.map((s) => s.ms).sort((a, b) => a - b);
  const errors = mine.filter((s) => s.status >= 500).length;
  const refused = mine.filter((s) => s.status >= 400 && s.status < 500).length;
  return {
    scenario,
    requests: mine.length,
    perSecond: (mine.length / SECONDS).toFixed(1),
    p50: percentile(ms, 50),
    p95: percentile(ms, 95),
    p99: percentile(ms, 99),
    refused,
    errors,
  };
});
const audit = await call('audit', 'GET', '/v1/ledger/audit', admin);
console.log(
  `| scenario | requests | req/s | p50 ms | p95 ms | p99 ms | 4xx | 5xx |\n|---|--:|--:|--:|--:|--:|--:|--:|`,
);
for (const r of rows)
  console.log(
    `| ${r.scenario} | ${r.requests} | ${r.perSecond} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.refused} | ${r.errors} |`,
  );
console.log(
  `\ntotal ${measured.length} requests in ${SECONDS} s (${(measured.length / SECONDS).toFixed(1)} req/s), ${measured.filter((s) => s.status >= 500).length} 5xx`,
);
console.log(
  `audit: sum of balances ${audit.body.sumOfBalances}, negative ${audit.body.negativeBalances.length}, budget drift ${audit.body.budgetDrift.length}`,
);

await runtime.stop();
await aws.stop();
const failed = measured.some((s) => s.status >= 500) || audit.body.sumOfBalances !== '0.00';
process.exit(failed ? 1 : 0);
