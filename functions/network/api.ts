import { bind, httpFunction, idempotent } from '#platform/http/http-function.js';
import { claimLease, failLease } from '#shared/network/leases.js';
import { networkDeps } from '#shared/network/network-deps.js';
import type { ProviderNode } from '#shared/network/node.js';
import {
  deregisterNode,
  getNode,
  heartbeat,
  listNodes,
  registerNode,
  reputationHistory,
} from '#shared/network/nodes.js';
import { submitResult } from '#shared/network/results.js';
import {
  claimLeaseRoute,
  deregisterNodeRoute,
  getNodeRoute,
  heartbeatRoute,
  leaseFailureRoute,
  leaseResultRoute,
  listNodesRoute,
  registerNodeRoute,
} from './contract.js';
import { leaseView, nodeView, reputationEventView } from './views.js';

const view = (node: ProviderNode) => {
  const deps = networkDeps();
  return nodeView(node, deps.clock.now(), deps.network.heartbeatTimeoutMs);
};
const registered = (node: ProviderNode) => ({ status: 201, body: { node: view(node) } });

export const handler = httpFunction([
  bind(registerNodeRoute, async (request) => {
    const input = { ownerId: request.principal.userId, ...request.body };
    return registered(await registerNode(networkDeps(), input, idempotent(request, registered)));
  }),
  bind(listNodesRoute, async ({ principal, query }) => {
    const page = await listNodes(networkDeps(), principal, query);
    return { status: 200, body: { items: page.items.map(view), nextCursor: page.nextCursor } };
  }),
  bind(getNodeRoute, async ({ params, principal }) => {
    const deps = networkDeps();
    const node = await getNode(deps, params.nodeId, principal);
    const history = await reputationHistory(deps, node.id);
    return { status: 200, body: { node: view(node), reputationHistory: history.map(reputationEventView) } };
  }),
  bind(deregisterNodeRoute, async ({ params, principal }) => ({
    status: 200,
    body: { node: view(await deregisterNode(networkDeps(), params.nodeId, principal)) },
  })),
  bind(heartbeatRoute, async ({ params, principal }) => ({
    status: 200,
    body: { node: view(await heartbeat(networkDeps(), params.nodeId, principal)) },
  })),
  bind(claimLeaseRoute, async ({ params, principal }) => {
    const claimed = await claimLease(networkDeps(), params.nodeId, principal);
    if (!claimed) return { status: 204 };
    return { status: 200, body: { lease: leaseView(claimed.lease), context: claimed.context } };
  }),
  bind(leaseResultRoute, async ({ params, principal, body }) => ({
    status: 200,
    body: { lease: leaseView(await submitResult(networkDeps(), params.leaseId, principal, body)) },
  })),
  bind(leaseFailureRoute, async ({ params, principal, body }) => ({
    status: 200,
    body: { lease: leaseView(await failLease(networkDeps(), params.leaseId, principal, body.reason)) },
  })),
]);
