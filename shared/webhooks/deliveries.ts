import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { epochSeconds } from '#platform/clock.js';
import { ConflictError, NotFoundError } from '#platform/errors.js';
import type { Principal } from '#platform/http/principal.js';
import type { Idempotency } from '#platform/idempotency.js';
import { newId } from '#platform/ids.js';
import { logger } from '#platform/logger.js';
import type { Page } from '#platform/pagination.js';
import { queryPage } from '#platform/query-page.js';
import { Transaction } from '#platform/transaction.js';
import { TEST_EVENT_TYPE } from '#shared/notifications/event-types.js';
import type { EventView } from '#shared/notifications/event-view.js';
import {
  DELIVERY_RETENTION_SECONDS,
  type Delivery,
  type DeliveryAttempt,
  type DeliveryMessage,
  deliveryKey,
  deliveryOf,
  endpointDeliveriesPartition,
} from './delivery.js';
import { checkDestination } from './destination.js';
import { endpointKey, endpointOf, signingSecrets, subscribesTo, type WebhookEndpoint } from './endpoint.js';
import { endpointsOf, getEndpoint } from './endpoints.js';
import { deliveryPayload } from './payload.js';
import { delayAfter, hopDelaySeconds } from './schedule.js';
import { signedHeaders } from './signature.js';
import type { WebhookDeps } from './webhook-deps.js';

/** One delivery per event and endpoint: a redelivered event finds its delivery already there. */
const deliveryIdOf = (endpointId: string, eventId: string) =>
  `dlv_${createHash('sha256').update(`${endpointId}\n${eventId}`).digest('hex').slice(0, 32)}`;

function newDelivery(endpoint: WebhookEndpoint, event: EventView, id: string, now: Date): Delivery {
  return {
    id,
    endpointId: endpoint.id,
    ownerId: endpoint.ownerId,
    eventId: event.id,
    eventType: event.type,
    payload: deliveryPayload(event),
    status: 'pending',
    attempts: [],
    nextAttemptAt: now.toISOString(),
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
}

const deliveryPut = (tableName: string, delivery: Delivery, now: Date) => ({
  TableName: tableName,
  Item: {
    ...deliveryKey(delivery.endpointId, delivery.id),
    type: 'webhook-delivery',
    ...delivery,
    attemptCount: 0,
    gsi2pk: endpointDeliveriesPartition(delivery.endpointId),
    gsi2sk: `${delivery.createdAt}#${delivery.id}`,
    expiresAt: epochSeconds(now) + DELIVERY_RETENTION_SECONDS,
  },
  ConditionExpression: 'attribute_not_exists(pk)',
});

const firstAttempt = (delivery: Delivery, now: Date): DeliveryMessage => ({
  deliveryId: delivery.id,
  endpointId: delivery.endpointId,
  attempt: 1,
  notBefore: now.toISOString(),
  manual: false,
});

/**
 * Queues the event for every enabled endpoint of these users that subscribes to its type. A
 * redelivered event queues its first attempt again; the attempt guard drops what was already tried.
 */
export async function fanOut(deps: WebhookDeps, event: EventView, userIds: string[]): Promise<number> {
  const now = deps.clock.now();
  let queued = 0;
  for (const userId of userIds) {
    for (const endpoint of await endpointsOf(deps, userId)) {
      if (!subscribesTo(endpoint, event.type)) continue;
      const delivery = newDelivery(endpoint, event, deliveryIdOf(endpoint.id, event.id), now);
      try {
        await deps.table.doc.send(new PutCommand(deliveryPut(deps.table.name, delivery, now)));
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
      await deps.enqueue(firstAttempt(delivery, now), 0);
      queued++;
    }
  }
  return queued;
}

async function load(deps: WebhookDeps, message: DeliveryMessage) {
  const { Responses } = await deps.table.doc.send(
    new BatchGetCommand({
      RequestItems: {
        [deps.table.name]: {
          Keys: [endpointKey(message.endpointId), deliveryKey(message.endpointId, message.deliveryId)],
          ConsistentRead: true,
        },
      },
    }),
  );
  const items = Responses?.[deps.table.name] ?? [];
  const endpoint = items.find((item) => item.sk === 'ENDPOINT');
  const delivery = items.find((item) => item.sk !== 'ENDPOINT');
  return {
    endpoint: endpoint ? endpointOf(endpoint) : undefined,
    delivery: delivery
      ? { ...deliveryOf(delivery), attemptCount: Number(delivery.attemptCount ?? 0) }
      : undefined,
  };
}

/** Writes an attempt's outcome only if no other copy of this message wrote it first. */
async function record(
  deps: WebhookDeps,
  message: DeliveryMessage,
  change: { status: Delivery['status']; attempt?: DeliveryAttempt; nextAttemptAt: string | null },
): Promise<boolean> {
  try {
    await deps.table.doc.send(
      new UpdateCommand({
        TableName: deps.table.name,
        Key: deliveryKey(message.endpointId, message.deliveryId),
        UpdateExpression: change.attempt
          ? 'SET #status = :status, nextAttemptAt = :next, updatedAt = :now, attemptCount = :count, attempts = list_append(if_not_exists(attempts, :none), :attempt)'
          : 'SET #status = :status, nextAttemptAt = :next, updatedAt = :now',
        ConditionExpression: 'attemptCount = :previous',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':status': change.status,
          ':next': change.nextAttemptAt,
          ':now': deps.clock.now().toISOString(),
          ':previous': message.attempt - 1,
          ...(change.attempt ? { ':count': message.attempt, ':attempt': [change.attempt], ':none': [] } : {}),
        },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** Signs and sends one attempt, after checking the destination again (its DNS may have changed). */
async function attempt(
  deps: WebhookDeps,
  endpoint: WebhookEndpoint,
  delivery: Delivery,
  number: number,
  now: Date,
) {
  const base = { attempt: number, at: now.toISOString() };
  let destination: Awaited<ReturnType<typeof checkDestination>>;
  try {
    destination = await checkDestination(endpoint.url, deps);
  } catch (error) {
    return { ...base, succeeded: false, responseCode: null, latencyMs: 0, error: (error as Error).message };
  }
  const headers = signedHeaders(signingSecrets(endpoint, now), delivery.eventId, now, delivery.payload);
  const outcome = await deps.send(destination, headers, delivery.payload);
  return {
    ...base,
    succeeded: outcome.ok,
    responseCode: outcome.responseCode,
    latencyMs: outcome.latencyMs,
    error: outcome.error,
  };
}

export type AttemptOutcome = 'deferred' | 'duplicate' | 'skipped' | 'succeeded' | 'retrying' | 'failed';

/** One message of the deliveries queue: wait longer, skip, or try, then schedule the next try. */
export async function processDelivery(deps: WebhookDeps, message: DeliveryMessage): Promise<AttemptOutcome> {
  const now = deps.clock.now();
  const notBefore = new Date(message.notBefore);
  if (notBefore > now) {
    // Longer waits than SQS's 15 minutes travel in hops.
    await deps.enqueue(message, hopDelaySeconds(notBefore, now));
    return 'deferred';
  }
  const { endpoint, delivery } = await load(deps, message);
  if (!delivery || delivery.attemptCount !== message.attempt - 1) return 'duplicate';
  if (endpoint?.status !== 'enabled') {
    return (await record(deps, message, { status: 'skipped', nextAttemptAt: null }))
      ? 'skipped'
      : 'duplicate';
  }
  const tried = await attempt(deps, endpoint, delivery, message.attempt, now);
  const delay = message.manual ? null : delayAfter(deps.retryDelays, message.attempt);
  const status = tried.succeeded ? 'succeeded' : delay === null ? 'failed' : 'pending';
  const nextAttemptAt = status === 'pending' ? new Date(now.getTime() + delay! * 1000) : null;
  const recorded = await record(deps, message, {
    status,
    attempt: tried,
    nextAttemptAt: nextAttemptAt?.toISOString() ?? null,
  });
  if (!recorded) return 'duplicate';
  if (status === 'pending') {
    await deps.enqueue(
      { ...message, attempt: message.attempt + 1, notBefore: nextAttemptAt!.toISOString() },
      hopDelaySeconds(nextAttemptAt!, now),
    );
    return 'retrying';
  }
  if (status === 'failed' && !message.manual) {
    await deps.deadLetter(message);
    await disableFailing(deps, endpoint, delivery.id);
  }
  return status;
}

/** A delivery that exhausted its retries disables its endpoint, and tells the owner with an event. */
async function disableFailing(
  deps: WebhookDeps,
  endpoint: WebhookEndpoint,
  deliveryId: string,
): Promise<void> {
  const now = deps.clock.now().toISOString();
  try {
    await deps.table.doc.send(
      new UpdateCommand({
        TableName: deps.table.name,
        Key: endpointKey(endpoint.id),
        UpdateExpression: 'SET #status = :disabled, disabledReason = :failing, updatedAt = :now',
        ConditionExpression: '#status = :enabled',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':disabled': 'disabled',
          ':failing': 'failing',
          ':now': now,
          ':enabled': 'enabled',
        },
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return;
    throw error;
  }
  logger.warn('webhook endpoint disabled after a delivery exhausted its retries', {
    endpointId: endpoint.id,
    deliveryId,
  });
  await deps.publish({
    eventId: `webhook:${endpoint.id}:disabled:${now}`,
    type: 'webhook.endpoint.disabled',
    occurredAt: now,
    subject: `webhook:${endpoint.id}`,
    audience: [endpoint.ownerId],
    data: { endpointId: endpoint.id, url: endpoint.url, reason: 'failing', deliveryId },
  });
}

export async function listDeliveries(
  deps: Pick<WebhookDeps, 'table'>,
  endpointId: string,
  principal: Principal,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<Delivery>> {
  await getEndpoint(deps, endpointId, principal);
  return queryPage(
    deps.table,
    {
      index: 'gsi2',
      partitionKeyName: 'gsi2pk',
      partitionKey: endpointDeliveriesPartition(endpointId),
      newestFirst: true,
    },
    page,
    deliveryOf,
  );
}

/** One more attempt of a finished delivery, now; no schedule after it. */
export async function retryDelivery(
  deps: WebhookDeps,
  endpointId: string,
  deliveryId: string,
  principal: Principal,
  idempotency?: Idempotency<Delivery>,
): Promise<Delivery> {
  const endpoint = await getEndpoint(deps, endpointId, principal);
  if (endpoint.status !== 'enabled')
    throw new ConflictError('endpoint_disabled', 'Enable the endpoint first');
  const { delivery } = await load(deps, { endpointId, deliveryId, attempt: 1, notBefore: '', manual: true });
  if (!delivery) throw new NotFoundError('delivery');
  if (delivery.status === 'pending')
    throw new ConflictError('delivery_pending', 'The delivery is still being retried');
  const now = deps.clock.now();
  const retried: Delivery = {
    ...delivery,
    status: 'pending',
    nextAttemptAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  const tx = new Transaction(deps.table).add(
    {
      Update: {
        TableName: deps.table.name,
        Key: deliveryKey(endpointId, deliveryId),
        UpdateExpression: 'SET #status = :pending, nextAttemptAt = :now, updatedAt = :now',
        ConditionExpression: 'attemptCount = :count AND #status <> :pending',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':pending': 'pending',
          ':now': now.toISOString(),
          ':count': delivery.attemptCount,
        },
      },
    },
    () => new ConflictError('delivery_pending', 'The delivery is being retried already'),
  );
  await tx.idempotent(idempotency, retried, now).commit();
  await deps.enqueue(
    {
      endpointId,
      deliveryId,
      attempt: delivery.attemptCount + 1,
      notBefore: now.toISOString(),
      manual: true,
    },
    0,
  );
  const { attemptCount: _count, ...view } = retried as Delivery & { attemptCount?: number };
  return view;
}

/** Sends a `webhook.test` event to one endpoint, with the retries of any other delivery. */
export async function testEndpoint(
  deps: WebhookDeps,
  endpointId: string,
  principal: Principal,
  idempotency?: Idempotency<Delivery>,
): Promise<Delivery> {
  const endpoint = await getEndpoint(deps, endpointId, principal);
  if (endpoint.status !== 'enabled')
    throw new ConflictError('endpoint_disabled', 'Enable the endpoint first');
  const now = deps.clock.now();
  const event: EventView = {
    id: newId('evt'),
    type: TEST_EVENT_TYPE,
    timestamp: now.toISOString(),
    subject: `webhook:${endpoint.id}`,
    data: { endpointId: endpoint.id, message: 'A test event from PRSM' },
  };
  const delivery = newDelivery(endpoint, event, newId('dlv'), now);
  const tx = new Transaction(deps.table).add({ Put: deliveryPut(deps.table.name, delivery, now) });
  await tx.idempotent(idempotency, delivery, now).commit();
  await deps.enqueue(firstAttempt(delivery, now), 0);
  return delivery;
}
