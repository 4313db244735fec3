// Usage: npm run replay-dlq -- <queue name> [max]
// e.g.   npm run replay-dlq -- prsm-prod-notifications        (on AWS, with your credentials)
//        AWS_ENDPOINT_URL=http://127.0.0.1:PORT npm run replay-dlq -- prsm-local-notifications
import { SQSClient } from '@aws-sdk/client-sqs';
import { queueUrlsByName, replayDeadLetters } from '../infra/ops/replay-dlq.js';
import { clientSettings } from '../shared/platform/aws-clients.js';

const [queueName, max] = process.argv.slice(2);
if (!queueName) {
  console.error('usage: npm run replay-dlq -- <queue name> [max messages]');
  process.exit(2);
}
const sqs = new SQSClient(clientSettings());
const moved = await replayDeadLetters(sqs, await queueUrlsByName(sqs, queueName), {
  max: max ? Number(max) : undefined,
});
console.log(`moved ${moved} message(s) from ${queueName}-dlq back to ${queueName}`);
