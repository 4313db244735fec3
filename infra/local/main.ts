import { systemClock } from '#platform/clock.js';
import { table } from '#platform/table.js';
import { defaultRetry } from '#platform/transaction.js';
import { keyFromSecret } from '#shared/identity/api-key.js';
import { DEVELOPMENT_ADMIN_KEY, ensureAdmin } from '#shared/identity/bootstrap.js';
import { describeSeed, seedDemoCatalogue } from '#shared/marketplace/seed-demo.js';
import { startDemoNodes } from './demo-nodes.js';
import { startLocalAws } from './local-aws.js';
import { startRuntime } from './runtime.js';

/**
 * `npm start`: the local AWS, the resources, the bootstrap data (the admin, the demo catalogue),
 * the queue consumers and the schedules, then the API on 127.0.0.1:${PORT:-3000}: nothing answers
 * before everything is there. Ctrl-C stops everything.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'; // Lambda runs Node 22
const port = Number(process.env.PORT ?? 3000);
const prefix = process.env.PRSM_PREFIX ?? 'prsm-local';
const scheduleIntervalSeconds = process.env.PRSM_SCHEDULE_INTERVAL_SECONDS
  ? Number(process.env.PRSM_SCHEDULE_INTERVAL_SECONDS)
  : 60;
const adminKey = process.env.PRSM_ADMIN_KEY ?? DEVELOPMENT_ADMIN_KEY;

// A key of your own is never printed whole; the well-known development key is, for convenience.
const shownAdminKey = process.env.PRSM_ADMIN_KEY
  ? `${keyFromSecret(adminKey).prefix}_... (PRSM_ADMIN_KEY)`
  : `${adminKey} (development default; set PRSM_ADMIN_KEY)`;

const aws = await startLocalAws();
let admin = '';
let demo: string[] = [];
const runtime = await startRuntime({
  prefix,
  port,
  scheduleIntervalSeconds,
  bootstrap: async () => {
    admin = await ensureAdmin(table(), adminKey);
    // The demo catalogue and its users, with the fixed development keys (PRSM_DEMO_CATALOGUE=off skips it).
    demo =
      process.env.PRSM_DEMO_CATALOGUE === 'off'
        ? ['off (PRSM_DEMO_CATALOGUE=off)']
        : describeSeed(
            await seedDemoCatalogue(
              { table: table(), clock: systemClock, retry: defaultRetry },
              { keys: 'development' },
            ),
          );
  },
});

console.log(`PRSM is running at ${runtime.url}
  local AWS      ${aws.endpoint}${aws.owned ? ' (moto, started by npm start)' : ''}
  table          ${runtime.resources.tableName}
  bucket         ${runtime.resources.bucketName}
  queues         ${Object.keys(runtime.resources.queueUrls).join(', ')}
  schedules      every ${scheduleIntervalSeconds} s (PRSM_SCHEDULE_INTERVAL_SECONDS)
  admin key      ${shownAdminKey} [${admin}]
  demo catalogue ${demo.join('\n                 ')}
Try: curl ${runtime.url}/v1/health
     curl -H "Authorization: Bearer ${process.env.PRSM_ADMIN_KEY ? '$PRSM_ADMIN_KEY' : adminKey}" ${runtime.url}/v1/me
Ctrl-C stops it.`);

// PRSM_DEMO_NODES=2: provider nodes that run `executor: network` workflows (docs/network.md).
const demoNodes = await startDemoNodes(runtime.url, adminKey, Number(process.env.PRSM_DEMO_NODES ?? 0));
if (demoNodes.length > 0)
  console.log(`  demo nodes     ${(await Promise.all(demoNodes.map((n) => n.nodeId))).join(', ')}`);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  console.log('stopping PRSM...');
  // The local AWS and its state go with the runtime: the nodes need not finish their leases.
  for (const node of demoNodes) node.kill();
  await runtime.stop();
  await aws.stop();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
