import { budgetRoutes } from '#functions/budgets/contract.js';
import { eventRoutes } from '#functions/events/contract.js';
import { healthRoutes, healthSweepRoutes } from '#functions/health/contract.js';
import { identityRoutes } from '#functions/identity/contract.js';
import { ledgerRoutes } from '#functions/ledger/contract.js';
import { marketplaceRoutes } from '#functions/marketplace/contract.js';
import { networkRoutes } from '#functions/network/contract.js';
import { platformRoutes } from '#functions/platform/contract.js';
import { priceRoutes } from '#functions/prices/contract.js';
import { webhookRoutes } from '#functions/webhooks/contract.js';
import { workflowRoutes } from '#functions/workflows/contract.js';
import { type RouteSpec, routeKey } from '#platform/http/route.js';
import { PHASE_QUEUE_SPEC, PHASE_RUNNER_TIMEOUT_SECONDS } from '#shared/workflows/messages.js';

/**
 * Every function and its triggers: the single source of truth that both the CDK stack and the
 * local runtime read, so the two cannot drift apart.
 */

export interface QueueSpec {
  /** Must be at least the consumer's timeout (Lambda's rule: six times is AWS's advice). */
  visibilityTimeoutSeconds: number;
  /** Receives before a message moves to the queue's DLQ. */
  maxReceiveCount: number;
}

export type Trigger =
  | {
      kind: 'http';
      routes: RouteSpec[] /** Also answers requests that match no route. */;
      catchAll?: boolean;
    }
  | {
      kind: 'sqs';
      queue: QueueId;
      /** Consume the queue's dead-letter queue (`<queue>-dlq`) instead of the queue itself. */
      dlq?: boolean;
      batchSize: number;
      maxBatchingWindowSeconds: number;
      /** At most this many concurrent invocations from the queue (the event source's cap, 2 at least). */
      maxConcurrency?: number;
    }
  | { kind: 'schedule'; rateMinutes: number };

export interface FunctionSpec {
  id: string;
  /** Path of the handler module, relative to the project root; it exports `handler`. */
  entry: string;
  description: string;
  memoryMb: number;
  timeoutSeconds: number;
  triggers: Trigger[];
  /** Least privilege: what the function may do with the table, the bucket and the queues. */
  access: {
    table?: 'read' | 'readwrite';
    bucket?: 'read' | 'readwrite';
    sendsTo?: QueueId[];
    /** Parks messages on these queues' DLQs itself (webhook deliveries that exhausted their retries). */
    sendsToDlqOf?: QueueId[];
    /** Reads the depth of every queue and DLQ (the health sweep). */
    watchesQueues?: boolean;
    /**
     * Asks the configured models (`modelEnvironment`): `bedrock:InvokeModel` on exactly their
     * ARNs, or `secretsmanager:GetSecretValue` on exactly the OpenAI-compatible key's secret.
     */
    models?: boolean;
    /** Knows the model settings (to price model phases at submission), asks no model. */
    modelSettings?: boolean;
    /** With `table: 'read'`: may also UpdateItem, and no other write (the authorizer's key buckets). */
    updatesItems?: boolean;
  };
}

export const queues = {
  notifications: { visibilityTimeoutSeconds: 60, maxReceiveCount: 3 },
  'workflow-phases': PHASE_QUEUE_SPEC,
  // One attempt per receive, ten at a time in parallel, each at most 10 s: six times the deliverer's timeout.
  'webhook-deliveries': { visibilityTimeoutSeconds: 180, maxReceiveCount: 5 },
} as const satisfies Record<string, QueueSpec>;

export type QueueId = keyof typeof queues;

export const dlqName = (queueId: string): string => `${queueId}-dlq`;

/**
 * A DLQ's visibility timeout: six times its consumer's (`workflows-dead-letters`, 30 s), AWS's
 * advice for Lambda consumers, so a slow batch is never received twice at once.
 */
export const DLQ_VISIBILITY_TIMEOUT_SECONDS = 180;

/** AWS's advice for a queue a Lambda consumes: a visibility timeout of at least six times its timeout. */
export const VISIBILITY_TO_TIMEOUT_RATIO = 6;

export const authorizer = {
  id: 'authorizer',
  entry: 'functions/identity/authorizer.ts',
  description: 'Resolves an API key to a principal for every non-public route',
  memoryMb: 256,
  timeoutSeconds: 5,
  // The key's token bucket lives on its lookup item (shared/identity/key-bucket.ts).
  access: { table: 'read', updatesItems: true },
} as const satisfies Omit<FunctionSpec, 'triggers'>;

/**
 * Requests per second and burst of the whole API: API Gateway's stage throttling on AWS, one
 * token bucket in the local gateway. Ten keys at their full rate (`keyThrottling`).
 */
export const throttling = { ratePerSecond: 500, burst: 1000 } as const;

/** Requests per second and burst of each API key: the authorizer's bucket, on AWS and locally. */
export const keyThrottling = { ratePerSecond: 50, burst: 100 } as const;

/**
 * The model settings of the functions with `access.models` on AWS (PRSM_MODEL_* variables, read by
 * shared/workflows/models/config.ts): Bedrock with its default teacher and student. A deployment
 * overrides any of them with CDK context of the same name (`-c PRSM_MODEL_TEACHER=...`).
 */
export const modelEnvironment: Readonly<Record<string, string>> = { PRSM_MODEL_PROVIDER: 'bedrock' };

/** How often the health sweep runs; the health API calls a verdict older than three of these stale. */
export const HEALTH_SWEEP_RATE_MINUTES = 5;

export const functions: FunctionSpec[] = [
  {
    id: 'platform-api',
    entry: 'functions/platform/api.ts',
    description: 'The OpenAPI document and problem+json answers for unknown routes',
    memoryMb: 256,
    timeoutSeconds: 10,
    triggers: [{ kind: 'http', routes: platformRoutes, catchAll: true }],
    access: {},
  },
  {
    id: 'identity-api',
    entry: 'functions/identity/api.ts',
    description: 'Users, the caller and their API keys',
    memoryMb: 512,
    timeoutSeconds: 10,
    triggers: [{ kind: 'http', routes: identityRoutes }],
    access: { table: 'readwrite' },
  },
  {
    id: 'ledger-api',
    entry: 'functions/ledger/api.ts',
    description: 'FTNS accounts, transfers, grants, holds and the ledger audit',
    memoryMb: 1024,
    timeoutSeconds: 15,
    triggers: [{ kind: 'http', routes: ledgerRoutes }],
    // Capturing a hold that reserved budget charges the budget, whose threshold alerts go to the notifications queue.
    access: { table: 'readwrite', sendsTo: ['notifications'] },
  },
  {
    id: 'budgets-api',
    entry: 'functions/budgets/api.ts',
    description: 'Budgets: members, charges, alerts, expansions; the price list and cost estimates',
    memoryMb: 1024,
    timeoutSeconds: 15,
    triggers: [{ kind: 'http', routes: [...budgetRoutes, ...priceRoutes] }],
    // The model settings: a model workflow's estimate is its holds.
    access: { table: 'readwrite', sendsTo: ['notifications'], modelSettings: true },
  },
  {
    id: 'marketplace-api',
    entry: 'functions/marketplace/api.ts',
    description:
      'Marketplace: listings, catalogue search, checkout, orders, entitlements, sales, reviews, refunds',
    memoryMb: 1024,
    timeoutSeconds: 15,
    triggers: [{ kind: 'http', routes: marketplaceRoutes }],
    // Checkout charges a budget, whose threshold alerts go to the notifications queue, as do order events.
    access: { table: 'readwrite', sendsTo: ['notifications'] },
  },
  {
    id: 'health-api',
    entry: 'functions/health/api.ts',
    description: "The latest sweep's verdict, the full report and the history",
    memoryMb: 256,
    timeoutSeconds: 10,
    triggers: [{ kind: 'http', routes: healthRoutes }],
    access: { table: 'read' },
  },
  {
    id: 'health-sweep',
    entry: 'functions/health/sweep.ts',
    description: 'Probes every capability and dependency, resolves expired holds, stores the verdict',
    memoryMb: 512,
    // A check gives up after 20 s at most, so a sweep answers within API Gateway's 30 s.
    timeoutSeconds: 60,
    triggers: [
      { kind: 'schedule', rateMinutes: HEALTH_SWEEP_RATE_MINUTES },
      { kind: 'http', routes: healthSweepRoutes },
    ],
    access: {
      table: 'readwrite',
      bucket: 'readwrite',
      watchesQueues: true,
      sendsTo: ['notifications', 'workflow-phases'],
    },
  },
  {
    id: 'notifications-consumer',
    entry: 'functions/notifications/consumer.ts',
    description: 'Stores and logs platform events (alerts, expansions) published on the notifications queue',
    memoryMb: 256,
    timeoutSeconds: 10,
    triggers: [{ kind: 'sqs', queue: 'notifications', batchSize: 10, maxBatchingWindowSeconds: 1 }],
    // Stores each event for the users who see it and queues its webhook deliveries.
    access: { table: 'readwrite', sendsTo: ['webhook-deliveries'] },
  },
  {
    id: 'workflows-api',
    entry: 'functions/workflows/api.ts',
    description:
      'Research workflows: submit (hold + reserve + phase 1), status, artifacts, audit, cancel; the safety policy',
    memoryMb: 1024,
    timeoutSeconds: 15,
    triggers: [{ kind: 'http', routes: workflowRoutes }],
    access: {
      table: 'readwrite',
      bucket: 'readwrite',
      sendsTo: ['workflow-phases', 'notifications'],
      modelSettings: true,
    },
  },
  {
    id: 'workflows-phases',
    entry: 'functions/workflows/phase-runner.ts',
    description:
      'Runs one workflow phase per message: executor, S3 artifact, capture into the budget, next phase',
    memoryMb: 1024,
    timeoutSeconds: PHASE_RUNNER_TIMEOUT_SECONDS,
    // No batching window: a workflow's phases follow each other, every second waited is latency.
    // At most 5 batches at once: every phase may ask a model provider, whose rate limits are ours to keep.
    triggers: [
      { kind: 'sqs', queue: 'workflow-phases', batchSize: 5, maxBatchingWindowSeconds: 0, maxConcurrency: 5 },
    ],
    // Sends the next phase to its own queue (and changes the visibility of a failed message).
    access: {
      table: 'readwrite',
      bucket: 'readwrite',
      sendsTo: ['workflow-phases', 'notifications'],
      models: true,
    },
  },
  {
    id: 'workflows-dead-letters',
    entry: 'functions/workflows/dead-letters.ts',
    description:
      'Fails the workflow of a phase message that exhausted its receives and releases its unused holds',
    memoryMb: 512,
    timeoutSeconds: 30,
    triggers: [
      { kind: 'sqs', queue: 'workflow-phases', dlq: true, batchSize: 10, maxBatchingWindowSeconds: 0 },
    ],
    access: { table: 'readwrite', sendsTo: ['notifications'] },
  },
  {
    id: 'events-api',
    entry: 'functions/events/api.ts',
    description: "The caller's platform events: alerts, expansions, workflow outcomes, webhook changes",
    memoryMb: 256,
    timeoutSeconds: 10,
    triggers: [{ kind: 'http', routes: eventRoutes }],
    access: { table: 'read' },
  },
  {
    id: 'webhooks-api',
    entry: 'functions/webhooks/api.ts',
    description: 'Webhook endpoints (secrets, rotation), delivery logs, retries and test events',
    memoryMb: 512,
    timeoutSeconds: 10,
    triggers: [{ kind: 'http', routes: webhookRoutes }],
    // Queues test events and manual retries.
    access: { table: 'readwrite', sendsTo: ['webhook-deliveries'] },
  },
  {
    id: 'webhooks-deliverer',
    entry: 'functions/webhooks/deliverer.ts',
    description:
      'Delivers signed webhooks (Standard Webhooks), one attempt per message, retries with backoff',
    memoryMb: 512,
    timeoutSeconds: 30,
    triggers: [{ kind: 'sqs', queue: 'webhook-deliveries', batchSize: 10, maxBatchingWindowSeconds: 0 }],
    // Queues the next attempt, parks exhausted deliveries on the DLQ, publishes "endpoint disabled".
    access: {
      table: 'readwrite',
      sendsTo: ['webhook-deliveries', 'notifications'],
      sendsToDlqOf: ['webhook-deliveries'],
    },
  },
  {
    id: 'network-api',
    entry: 'functions/network/api.ts',
    description:
      'Provider network: nodes (stake, heartbeat), leases of network workflow phases, results verified and paid, slashing',
    memoryMb: 1024,
    // A lease request waits for work at most PRSM_LEASE_WAIT_MS (10 s, at most 20 s): within API Gateway's 30 s.
    timeoutSeconds: 25,
    triggers: [{ kind: 'http', routes: networkRoutes }],
    // A result is a phase's capture: its artifact, its budget charge (alerts) and the next phase's message.
    access: { table: 'readwrite', bucket: 'readwrite', sendsTo: ['workflow-phases', 'notifications'] },
  },
];

export interface HttpRoute {
  functionId: string;
  routeKey: string;
  spec: RouteSpec;
}

export const httpRoutes = (): HttpRoute[] =>
  functions.flatMap((fn) =>
    fn.triggers.flatMap((trigger) =>
      trigger.kind === 'http'
        ? trigger.routes.map((spec) => ({ functionId: fn.id, routeKey: routeKey(spec), spec }))
        : [],
    ),
  );

/** The function that answers requests matching no route (API Gateway's `$default`). */
export const catchAllFunction = (): FunctionSpec => {
  const found = functions.find((fn) => fn.triggers.some((t) => t.kind === 'http' && t.catchAll));
  if (!found) throw new Error('manifest: no function has a catch-all HTTP trigger');
  return found;
};
