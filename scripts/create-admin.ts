// Creates an admin user with a fresh API key in a deployed stage's table and prints the key once.
// Usage: npm run create-admin -- <table name> [name]
//   the table name is the stack output TableName (`aws cloudformation describe-stacks --stack-name Prsm-dev`)

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createUser } from '../shared/identity/users.js';
import { clientSettings } from '../shared/platform/aws-clients.js';
import { documentClient } from '../shared/platform/table.js';

const [tableName, name = 'Administrator'] = process.argv.slice(2);
if (!tableName) {
  console.error('usage: npm run create-admin -- <table name> [name]');
  process.exit(2);
}
const table = { name: tableName, doc: documentClient(new DynamoDBClient(clientSettings())) };
const { user, apiKey } = await createUser(table, { name, role: 'admin' });
console.log(`admin ${user.id} created; its API key, shown once:\n${apiKey}`);
