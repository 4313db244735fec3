import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { clientSettings } from '#platform/aws-clients.js';
import type { Clock } from '#platform/clock.js';
import {
  authorizer,
  catchAllFunction,
  dlqName,
  type FunctionSpec,
  functions,
  httpRoutes,
  keyThrottling,
  throttling,
} from '../manifest.js';
import { consoleAssets } from './console-assets.js';
import { createGateway } from './http-gateway.js';
import { inInvocationScope, invokeStore } from './invocation-scope.js';
import { invoke, type LambdaHandler } from './lambda-context.js';
import { type Poller, startPoller } from './queue-poller.js';
import type { Throttling } from './rate-limiter.js';
import { createResources, type LocalResources } from './resources.js';
import { type Schedule, startSchedule } from './scheduler.js';

/** The whole product in one process: the manifest's functions behind local API Gateway, SQS and EventBridge stand-ins. */
export interface RuntimeOptions {
  /** Resource name prefix: one runtime's table, queues and bucket. */
  prefix: string;
  port: number;
  /** Runs once the resources exist and before anything is served or consumed (the admin, demo data). */
  bootstrap?: (resources: LocalResources) => Promise<void>;
  /** Replaces every schedule's rate locally (seconds between scheduled events). */
  scheduleIntervalSeconds?: number;
  /**
   * Per-key throttling (the authorizer's bucket, as on AWS); the manifest's limits unless a
   * test sets others. `off` turns off the stage's limit too (load tests).
   */
  throttling?: Throttling | 'off';
  /** The time source of both limits; the system clock unless a test holds time still. */
  throttlingClock?: Clock;
  log?(message: string, error?: unknown): void;
  /** The built web console served at `/` (default .build/console; nothing when it is not built). */
  consoleDir?: string;
}

export interface Runtime {
  url: string;
  resources: LocalResources;
  stop(): Promise<void>;
}

const ROOT = join(import.meta.dirname, '..', '..');

async function loadModule(entry: string): Promise<Record<string, unknown>> {
  // A module's init may touch invocation-scoped state (Powertools' batch processor does): in a scope of its own.
  return (await inInvocationScope(
    `init ${entry}`,
    () => import(pathToFileURL(join(ROOT, entry)).href),
  )) as Record<string, unknown>;
}

async function loadHandler(entry: string): Promise<LambdaHandler> {
  const module = await loadModule(entry);
  if (typeof module.handler !== 'function') throw new Error(`${entry} does not export a handler`);
  return module.handler as LambdaHandler;
}

/** The authorizer, on the test's clock when it holds one (its key buckets count time). */
async function loadAuthorizer(clock: Clock | undefined): Promise<LambdaHandler> {
  if (!clock) return loadHandler(authorizer.entry);
  const module = await loadModule(authorizer.entry);
  const make = module.authorizerHandler as ((clock: Clock) => LambdaHandler) | undefined;
  if (typeof make !== 'function') throw new Error(`${authorizer.entry} does not export authorizerHandler`);
  return make(clock);
}

/** The environment the stack gives every function, pointing at this runtime's resources. */
function applyFunctionEnv(
  resources: LocalResources,
  scheduleIntervalSeconds: number,
  keyLimits: Throttling | 'off',
): void {
  Object.assign(process.env, {
    STAGE: 'local',
    TABLE_NAME: resources.tableName,
    BUCKET_NAME: resources.bucketName,
    QUEUE_URLS: JSON.stringify(resources.queueUrls),
    SCHEDULE_INTERVAL_SECONDS: String(scheduleIntervalSeconds),
    POWERTOOLS_SERVICE_NAME: process.env.POWERTOOLS_SERVICE_NAME ?? 'prsm',
    API_KEY_THROTTLING: keyLimits === 'off' ? 'off' : JSON.stringify(keyLimits),
  });
}

export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const log = options.log ?? ((message, error) => console.error(message, error ?? ''));
  await invokeStore(); // before the first SDK request (see invocation-scope.ts)
  const clients = {
    dynamo: new DynamoDBClient(clientSettings()),
    sqs: new SQSClient(clientSettings()),
    s3: new S3Client({ ...clientSettings(), forcePathStyle: true }),
  };
  const resources = await createResources(clients, options.prefix);
  const scheduleSeconds = options.scheduleIntervalSeconds;
  const keyLimits = options.throttling ?? keyThrottling;
  applyFunctionEnv(resources, scheduleSeconds ?? 300, keyLimits);

  await options.bootstrap?.(resources);

  const handlers = new Map<string, { spec: FunctionSpec; handler: LambdaHandler }>();
  for (const spec of functions) handlers.set(spec.id, { spec, handler: await loadHandler(spec.entry) });
  const authorizerHandler = await loadAuthorizer(options.throttlingClock);
  const call = (functionId: string, event: unknown) => {
    const fn = handlers.get(functionId);
    if (!fn) throw new Error(`no function ${functionId} in the manifest`);
    return invoke(fn.handler, event, fn.spec);
  };

  const server = createGateway({
    routes: httpRoutes(),
    catchAllFunctionId: catchAllFunction().id,
    throttling: keyLimits === 'off' ? 'off' : throttling,
    clock: options.throttlingClock,
    invoke: async (functionId, event) => (await call(functionId, event)) as APIGatewayProxyStructuredResultV2,
    authorize: async (event) => {
      const verdict = (await invoke(authorizerHandler, event, authorizer)) as {
        context?: Record<string, unknown>;
      };
      return verdict.context;
    },
    onError: (error) => log('[gateway] integration failed', error),
    assets: consoleAssets(options.consoleDir ?? join(ROOT, '.build', 'console')),
  });

  const pollers: Poller[] = [];
  const schedules: Schedule[] = [];
  for (const spec of functions) {
    for (const trigger of spec.triggers) {
      if (trigger.kind === 'sqs') {
        const queueUrl = resources.queueUrls[trigger.dlq ? dlqName(trigger.queue) : trigger.queue]!;
        const { Attributes } = await clients.sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
        );
        pollers.push(
          startPoller({
            sqs: clients.sqs,
            queueUrl,
            queueArn: Attributes!.QueueArn!,
            batchSize: trigger.batchSize,
            invoke: (event) => call(spec.id, event),
            onError: (error) => log(`[sqs] ${spec.id} failed a batch`, error),
          }),
        );
      }
      if (trigger.kind === 'schedule') {
        const intervalMs = (scheduleSeconds ?? trigger.rateMinutes * 60) * 1000;
        schedules.push(
          startSchedule(
            `${options.prefix}-${spec.id}`,
            intervalMs,
            (event) => call(spec.id, event),
            (error) => log(`[schedule] ${spec.id} failed`, error),
          ),
        );
      }
    }
  }

  // Serve only when ready: a client that sees the port answer finds the admin and the demo data
  // there, and /v1/health the verdict of the sweep that ran at start.
  await Promise.all(schedules.map((schedule) => schedule.firstRun));
  await new Promise<void>((resolve) => server.listen(options.port, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    resources,
    stop: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await Promise.all([...pollers, ...schedules].map((stoppable) => stoppable.stop()));
      for (const client of Object.values(clients)) client.destroy();
    },
  };
}
