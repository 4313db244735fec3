import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { clientSettings } from '#platform/aws-clients.js';
import { systemClock } from '#platform/clock.js';
import { documentClient } from '#platform/table.js';
import { defaultRetry } from '#platform/transaction.js';
import { describeSeed, seedDemoCatalogue } from './seed-demo.js';

/**
 * `npm run seed -- <table name> [--region eu-west-1]`: seeds the demo catalogue into a
 * deployed stage's table with your AWS credentials (the stack's `TableName` output names it).
 * Users get random API keys, printed once when they are created; running it again adds nothing.
 * `--development-keys` uses the fixed local keys instead: only for a throwaway stage.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'; // Lambda runs Node 22, as main.ts notes
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    region: { type: 'string' },
    'development-keys': { type: 'boolean', default: false },
  },
});
const tableName = positionals[0] ?? process.env.TABLE_NAME;
if (!tableName) {
  console.error('usage: npm run seed -- <table name> [--region <region>] [--development-keys]');
  process.exit(2);
}
const client = new DynamoDBClient({
  ...clientSettings(),
  ...(values.region ? { region: values.region } : {}),
});
const seed = await seedDemoCatalogue(
  { table: { name: tableName, doc: documentClient(client) }, clock: systemClock, retry: defaultRetry },
  { keys: values['development-keys'] ? 'development' : 'random' },
);
console.log([`Demo catalogue in ${tableName}:`, ...describeSeed(seed).map((line) => `  ${line}`)].join('\n'));
client.destroy();
