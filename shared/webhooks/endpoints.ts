import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, NotFoundError } from '#platform/errors.js';
import type { Principal } from '#platform/http/principal.js';
import { isAdmin } from '#platform/http/principal.js';
import type { Idempotency } from '#platform/idempotency.js';
import { newId } from '#platform/ids.js';
import type { Page } from '#platform/pagination.js';
import { queryAll, queryPage } from '#platform/query-page.js';
import { Transaction } from '#platform/transaction.js';
import { checkDestination } from './destination.js';
import {
  endpointItem,
  endpointKey,
  endpointOf,
  ownerEndpointsPartition,
  type WebhookEndpoint,
} from './endpoint.js';
import { newSecret } from './signature.js';
import type { WebhookDeps } from './webhook-deps.js';

type Deps = Pick<WebhookDeps, 'table' | 'clock' | 'stage' | 'resolve'>;

export interface EndpointInput {
  url: string;
  events: string[];
  description: string;
}

/** An endpoint with its secret: the answer of creation and rotation, the only time the secret is shown. */
export type EndpointWithSecret = WebhookEndpoint & { shownSecret: string };

export async function createEndpoint(
  deps: Deps,
  principal: Principal,
  input: EndpointInput,
  idempotency?: Idempotency<EndpointWithSecret>,
): Promise<EndpointWithSecret> {
  await checkDestination(input.url, deps);
  const now = deps.clock.now().toISOString();
  const endpoint: WebhookEndpoint = {
    id: newId('we'),
    ownerId: principal.userId,
    url: input.url,
    events: [...new Set(input.events)],
    description: input.description,
    status: 'enabled',
    disabledReason: null,
    secret: newSecret(),
    previousSecret: null,
    previousSecretExpiresAt: null,
    createdAt: now,
    updatedAt: now,
  };
  const created = { ...endpoint, shownSecret: endpoint.secret };
  const tx = new Transaction(deps.table).add({
    Put: {
      TableName: deps.table.name,
      Item: endpointItem(endpoint),
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  });
  await tx.idempotent(idempotency, created, deps.clock.now()).commit();
  return created;
}

/** An endpoint its owner or an admin may see; anyone else is told it does not exist. */
export async function getEndpoint(
  deps: Pick<Deps, 'table'>,
  id: string,
  principal: Principal,
): Promise<WebhookEndpoint> {
  const { Item } = await deps.table.doc.send(
    new GetCommand({ TableName: deps.table.name, Key: endpointKey(id), ConsistentRead: true }),
  );
  if (!Item || (Item.ownerId !== principal.userId && !isAdmin(principal)))
    throw new NotFoundError('webhook endpoint');
  return endpointOf(Item);
}

export function listEndpoints(
  deps: Pick<Deps, 'table'>,
  ownerId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<WebhookEndpoint>> {
  return queryPage(
    deps.table,
    { index: 'gsi1', partitionKeyName: 'gsi1pk', partitionKey: ownerEndpointsPartition(ownerId) },
    page,
    endpointOf,
  );
}

/** Every endpoint of a user (fan-out reads them whole: a user has a handful). */
export const endpointsOf = (deps: Pick<Deps, 'table'>, ownerId: string): Promise<WebhookEndpoint[]> =>
  queryAll(
    deps.table,
    { index: 'gsi1', partitionKeyName: 'gsi1pk', partitionKey: ownerEndpointsPartition(ownerId) },
    endpointOf,
  );

export interface EndpointPatch {
  url?: string | undefined;
  events?: string[] | undefined;
  description?: string | undefined;
  /** `true` re-enables an endpoint (also one disabled for failing), `false` disables it. */
  enabled?: boolean | undefined;
}

export async function updateEndpoint(
  deps: Deps,
  id: string,
  principal: Principal,
  patch: EndpointPatch,
): Promise<WebhookEndpoint> {
  const current = await getEndpoint(deps, id, principal);
  if (patch.url !== undefined) await checkDestination(patch.url, deps);
  const next: WebhookEndpoint = {
    ...current,
    url: patch.url ?? current.url,
    events: patch.events ? [...new Set(patch.events)] : current.events,
    description: patch.description ?? current.description,
    ...(patch.enabled === true ? { status: 'enabled', disabledReason: null } : {}),
    ...(patch.enabled === false ? { status: 'disabled', disabledReason: 'owner' } : {}),
    updatedAt: deps.clock.now().toISOString(),
  };
  try {
    await deps.table.doc.send(
      new UpdateCommand({
        TableName: deps.table.name,
        Key: endpointKey(id),
        UpdateExpression:
          'SET #url = :url, events = :events, description = :description, #status = :status, disabledReason = :reason, updatedAt = :now',
        // The endpoint as read: a concurrent change (a rotation, the deliverer disabling it) wins, this one is refused.
        ConditionExpression: 'updatedAt = :before',
        ExpressionAttributeNames: { '#url': 'url', '#status': 'status' },
        ExpressionAttributeValues: {
          ':url': next.url,
          ':events': next.events,
          ':description': next.description,
          ':status': next.status,
          ':reason': next.disabledReason,
          ':now': next.updatedAt,
          ':before': current.updatedAt,
        },
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) {
      throw new ConflictError('endpoint_changed', 'The endpoint changed meanwhile; read it and try again');
    }
    throw error;
  }
  return next;
}

export async function deleteEndpoint(
  deps: Pick<Deps, 'table'>,
  id: string,
  principal: Principal,
): Promise<void> {
  const current = await getEndpoint(deps, id, principal);
  await deps.table.doc.send(
    new DeleteCommand({
      TableName: deps.table.name,
      Key: endpointKey(id),
      ConditionExpression: 'ownerId = :owner',
      ExpressionAttributeValues: { ':owner': current.ownerId },
    }),
  );
}

export const DEFAULT_OVERLAP_SECONDS = 24 * 3600;

/** A new secret; the old one keeps signing (both signatures sent) for `overlapSeconds`. */
export async function rotateSecret(
  deps: Deps,
  id: string,
  principal: Principal,
  overlapSeconds: number,
  idempotency?: Idempotency<EndpointWithSecret>,
): Promise<EndpointWithSecret> {
  const current = await getEndpoint(deps, id, principal);
  const now = deps.clock.now();
  const rotated: WebhookEndpoint = {
    ...current,
    secret: newSecret(),
    previousSecret: overlapSeconds > 0 ? current.secret : null,
    previousSecretExpiresAt:
      overlapSeconds > 0 ? new Date(now.getTime() + overlapSeconds * 1000).toISOString() : null,
    updatedAt: now.toISOString(),
  };
  const tx = new Transaction(deps.table).add(
    {
      Update: {
        TableName: deps.table.name,
        Key: endpointKey(id),
        UpdateExpression:
          'SET secret = :secret, previousSecret = :previous, previousSecretExpiresAt = :until, updatedAt = :now',
        ConditionExpression: 'secret = :current',
        ExpressionAttributeValues: {
          ':secret': rotated.secret,
          ':previous': rotated.previousSecret,
          ':until': rotated.previousSecretExpiresAt,
          ':now': rotated.updatedAt,
          ':current': current.secret,
        },
      },
    },
    () => new ConflictError('endpoint_changed', 'The secret was rotated meanwhile'),
  );
  const answer = { ...rotated, shownSecret: rotated.secret };
  await tx.idempotent(idempotency, answer, now).commit();
  return answer;
}
