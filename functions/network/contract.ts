import * as z from 'zod';
import { defineRoute } from '#platform/http/route.js';
import { amountSchema } from '#platform/money.js';
import { pageQuerySchema, pageSchema } from '#platform/pagination.js';
import { ftns, idOf, text, timestamp } from '#platform/schemas.js';
import { PHASES } from '#shared/prices/phases.js';

const tags = ['network'];
const nodeParams = z.object({ nodeId: idOf('node') });
const leaseParams = z.object({ leaseId: idOf('lse') });

const capability = z
  .string()
  .regex(/^([a-z_]{1,32}|model:[A-Za-z0-9._:/-]{1,100})$/, 'must be a phase id or model:<model id>')
  .meta({ description: `A phase the node runs (${PHASES.map((p) => p.id).join(', ')}) or model:<model id>` });

export const nodeSchema = z
  .object({
    id: z.string(),
    ownerId: z.string(),
    name: z.string(),
    capabilities: z.array(z.string()),
    status: z.enum(['active', 'inactive', 'deregistered']).meta({
      description: '`inactive`: no heartbeat within the timeout; only `active` nodes are offered work',
    }),
    reputation: z.number().meta({ description: '0 to 1; starts at 0.5; work is offered at 0.3 and above' }),
    stake: ftns,
    slashed: ftns,
    workDone: z.number().int(),
    workFailed: z.number().int(),
    earnings: ftns,
    activeLeases: z.number().int(),
    lastHeartbeatAt: timestamp,
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'ProviderNode' });

const reputationEventSchema = z.object({
  at: timestamp,
  reason: z.enum(['accepted', 'failed', 'expired', 'rejected']),
  from: z.number(),
  to: z.number(),
  leaseId: z.string(),
  detail: z.string().nullable(),
});

export const leaseSchema = z
  .object({
    id: z.string(),
    workflowId: z.string(),
    phase: z.string(),
    nodeId: z.string(),
    status: z.enum(['active', 'completed', 'failed', 'expired', 'rejected']),
    claimedAt: timestamp,
    deadline: timestamp,
    finishedAt: timestamp.nullable(),
    reason: z.string().nullable(),
    payment: z.object({ gross: ftns, fee: ftns, proceeds: ftns }).nullable().meta({
      description: "The phase's cost, the platform's fee (the marketplace's) and what the owner was paid",
    }),
  })
  .meta({ id: 'Lease' });

const leaseContextSchema = z.record(z.string(), z.unknown()).meta({
  id: 'LeaseContext',
  description:
    "The phase's full context: workflowId, phase, prompt, preferences, earlier (the earlier phases' records), artifacts (presigned links with their SHA-256), safetyPolicy, audit, cost, hold, outputSchema (the JSON schema of the result's output) and tokenCaps",
});

export const registerNodeRoute = defineRoute({
  method: 'POST',
  path: '/v1/nodes',
  operationId: 'registerNode',
  access: 'user',
  summary: "Register a provider node: its stake is held on the caller's balance while it is registered",
  tags,
  idempotencyKey: 'required',
  body: z.strictObject({
    name: text(100).min(1),
    capabilities: z.array(capability).min(1).max(20),
    stake: amountSchema.meta({ description: 'At least 100 FTNS, held until the node deregisters' }),
  }),
  errors: { 402: ['insufficient_funds'], 422: ['stake_too_low'] },
  responses: { 201: { description: 'The node', schema: z.object({ node: nodeSchema }) } },
});

export const listNodesRoute = defineRoute({
  method: 'GET',
  path: '/v1/nodes',
  operationId: 'listNodes',
  access: 'user',
  summary: "The caller's nodes, newest first (admins: every node)",
  tags,
  query: pageQuerySchema,
  responses: { 200: { description: 'A page of nodes', schema: pageSchema(nodeSchema) } },
});

export const getNodeRoute = defineRoute({
  method: 'GET',
  path: '/v1/nodes/{nodeId}',
  operationId: 'getNode',
  access: 'user',
  summary:
    'A node: status, reputation with its latest changes, stake, work done and failed, earnings (owner, admins)',
  tags,
  params: nodeParams,
  responses: {
    200: {
      description: 'The node',
      schema: z.object({ node: nodeSchema, reputationHistory: z.array(reputationEventSchema) }),
    },
  },
});

export const deregisterNodeRoute = defineRoute({
  method: 'DELETE',
  path: '/v1/nodes/{nodeId}',
  operationId: 'deregisterNode',
  access: 'user',
  summary: 'Deregister a node whose leases are done and release its stake (owner)',
  tags,
  params: nodeParams,
  errors: { 409: ['node_has_leases', 'node_deregistered'] },
  responses: { 200: { description: 'The deregistered node', schema: z.object({ node: nodeSchema }) } },
});

export const heartbeatRoute = defineRoute({
  method: 'POST',
  path: '/v1/nodes/{nodeId}/heartbeat',
  operationId: 'heartbeatNode',
  access: 'user',
  summary: 'The node is alive: active for the heartbeat timeout from now (owner)',
  tags,
  params: nodeParams,
  errors: { 409: ['node_deregistered'] },
  responses: { 200: { description: 'The node', schema: z.object({ node: nodeSchema }) } },
});

export const claimLeaseRoute = defineRoute({
  method: 'POST',
  path: '/v1/nodes/{nodeId}/leases',
  operationId: 'claimLease',
  access: 'user',
  summary:
    'Ask for work: a lease on a phase the node serves, or 204 when none comes within a short wait (owner)',
  tags,
  params: nodeParams,
  errors: { 409: ['node_deregistered', 'node_inactive', 'reputation_too_low'] },
  responses: {
    200: {
      description: 'A lease with its context and deadline',
      schema: z.object({ lease: leaseSchema, context: leaseContextSchema }),
    },
    204: { description: 'No work within the wait (PRSM_LEASE_WAIT_MS): ask again' },
  },
});

export const leaseResultRoute = defineRoute({
  method: 'POST',
  path: '/v1/leases/{leaseId}/result',
  operationId: 'submitLeaseResult',
  access: 'user',
  summary:
    "The lease's result: verified, then the phase is paid to the node's owner less the fee (owner of the node)",
  description:
    'Posting it again answers the completed lease: a result is applied once (the lease is the key; an Idempotency-Key is accepted too).',
  tags,
  idempotencyKey: 'optional',
  params: leaseParams,
  body: z.strictObject({
    output: z
      .record(z.string(), z.unknown())
      .meta({ description: 'What the executor returned: summary, data (audit, report)' }),
    usage: z
      .strictObject({ inputTokens: z.number().int().min(0), outputTokens: z.number().int().min(0) })
      .optional(),
  }),
  errors: { 409: ['lease_expired'], 422: ['result_rejected'] },
  responses: {
    200: { description: 'The completed lease with its payment', schema: z.object({ lease: leaseSchema }) },
  },
});

export const leaseFailureRoute = defineRoute({
  method: 'POST',
  path: '/v1/leases/{leaseId}/failure',
  operationId: 'failLease',
  access: 'user',
  summary:
    'Give the lease up: the phase is offered to another node and the reputation falls 0.15 (owner of the node)',
  tags,
  params: leaseParams,
  body: z.strictObject({ reason: text(300).min(1) }),
  errors: { 409: ['lease_expired'] },
  responses: { 200: { description: 'The failed lease', schema: z.object({ lease: leaseSchema }) } },
});

export const networkRoutes = [
  registerNodeRoute,
  listNodesRoute,
  getNodeRoute,
  deregisterNodeRoute,
  heartbeatRoute,
  claimLeaseRoute,
  leaseResultRoute,
  leaseFailureRoute,
];
