import { bind, httpFunction, idempotent } from '#platform/http/http-function.js';
import { artifactLink } from '#shared/workflows/artifacts.js';
import { requestCancel } from '#shared/workflows/cancel.js';
import { getSafetyPolicy, setSafetyPolicy } from '#shared/workflows/safety.js';
import { submitWorkflow } from '#shared/workflows/submit.js';
import type { Workflow } from '#shared/workflows/workflow.js';
import { workflowDeps } from '#shared/workflows/workflow-deps.js';
import { artifactLinkOf, getWorkflow, listWorkflows, verifyAudit } from '#shared/workflows/workflows.js';
import {
  artifactRoute,
  auditRoute,
  cancelWorkflowRoute,
  getSafetyPolicyRoute,
  getWorkflowRoute,
  listWorkflowsRoute,
  setSafetyPolicyRoute,
  submitWorkflowRoute,
} from './contract.js';
import {
  type ArtifactLinks,
  safetyPolicyView,
  submittedView,
  verificationView,
  workflowSummaryView,
  workflowView,
} from './views.js';

const submitted = (workflow: Workflow) => ({
  status: 202,
  body: submittedView(workflow),
});

/** A link per artifact: signing is local, so seven links cost no request. */
async function linksOf(workflow: Workflow): Promise<ArtifactLinks> {
  const deps = workflowDeps();
  const now = deps.clock.now();
  const links: ArtifactLinks = {};
  await Promise.all(
    workflow.phases.map(async (phase) => {
      if (phase.artifact) links[phase.id] = await artifactLink(deps.artifacts, phase.artifact.key, now);
    }),
  );
  return links;
}

export const handler = httpFunction([
  bind(submitWorkflowRoute, async (request) => {
    const input = { ownerId: request.principal.userId, ...request.body };
    return submitted(await submitWorkflow(workflowDeps(), input, idempotent(request, submitted)));
  }),
  bind(listWorkflowsRoute, async ({ principal, query }) => {
    const listed = await listWorkflows(workflowDeps().table, principal, query);
    return {
      status: 200,
      body: { items: listed.items.map(workflowSummaryView), nextCursor: listed.nextCursor },
    };
  }),
  bind(getWorkflowRoute, async ({ params, principal }) => {
    const workflow = await getWorkflow(workflowDeps().table, params.workflowId, principal);
    return { status: 200, body: workflowView(workflow, await linksOf(workflow)) };
  }),
  bind(cancelWorkflowRoute, async ({ params, principal }) => {
    const workflow = await requestCancel(workflowDeps(), params.workflowId, principal);
    return { status: 202, body: workflowView(workflow, await linksOf(workflow)) };
  }),
  bind(artifactRoute, async ({ params, principal }) => {
    const deps = workflowDeps();
    const workflow = await getWorkflow(deps.table, params.workflowId, principal);
    const { phase, url, expiresAt } = await artifactLinkOf(
      deps.artifacts,
      workflow,
      params.phase,
      deps.clock.now(),
    );
    return { status: 200, body: { phase: phase.id, ...phase.artifact!, url, expiresAt } };
  }),
  bind(auditRoute, async ({ params, principal }) => {
    const deps = workflowDeps();
    const workflow = await getWorkflow(deps.table, params.workflowId, principal);
    return {
      status: 200,
      body: verificationView(workflow.id, await verifyAudit(deps.artifacts, workflow), deps.clock.now()),
    };
  }),
  bind(getSafetyPolicyRoute, async () => ({
    status: 200,
    body: safetyPolicyView(await getSafetyPolicy(workflowDeps().table)),
  })),
  bind(setSafetyPolicyRoute, async ({ body, principal }) => {
    const deps = workflowDeps();
    const change = {
      ...(body.threshold !== undefined ? { threshold: Math.round(body.threshold * 100) } : {}),
      ...(body.phrases ? { phrases: body.phrases } : {}),
    };
    return {
      status: 200,
      body: safetyPolicyView(await setSafetyPolicy(deps.table, change, principal.userId, deps.clock)),
    };
  }),
]);
