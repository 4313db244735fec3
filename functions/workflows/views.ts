import { formatFtns } from '#platform/money.js';
import { PHASES } from '#shared/prices/phases.js';
import { formatScore, PENALTY, type SafetyPolicy } from '#shared/workflows/safety.js';
import { currentPhase, isActive, type PhaseState, type Workflow } from '#shared/workflows/workflow.js';
import type { AuditVerification } from '#shared/workflows/workflows.js';

/** Domain values as the API shows them: micro-FTNS become decimal strings, scores 0-1 numbers. */
export type ArtifactLinks = Record<string, { url: string; expiresAt: string }>;

const selfLink = (workflow: Pick<Workflow, 'id'>) => `/v1/workflows/${workflow.id}`;

/** A stopped workflow's later phases never ran: `skipped`, and `failed` for the one that failed. */
function phaseStatus(workflow: Workflow, phase: PhaseState) {
  if (phase.status === 'completed' || isActive(workflow) || workflow.status === 'completed')
    return phase.status;
  if (workflow.failure?.phase === phase.id) return 'failed';
  return 'skipped';
}

function phaseView(workflow: Workflow, phase: PhaseState, links: ArtifactLinks) {
  const definition = PHASES[phase.number - 1]!;
  const link = links[phase.id];
  return {
    number: phase.number,
    id: phase.id,
    name: definition.name,
    category: definition.category,
    status: phaseStatus(workflow, phase),
    estimate: formatFtns(phase.estimate),
    cost: phase.cost === null ? null : formatFtns(phase.cost),
    extraCharge: phase.extraCharge === null ? null : formatFtns(phase.extraCharge),
    components: phase.components.map((c) => ({ name: c.name, price: formatFtns(c.price) })),
    startedAt: phase.startedAt,
    finishedAt: phase.finishedAt,
    durationMs: phase.durationMs,
    executorMs: phase.executorMs,
    attempts: phase.attempts,
    executor: phase.executor,
    summary: phase.summary,
    artifact: phase.artifact && link ? { ...phase.artifact, ...link } : null,
    usage: phase.usage,
    error: phase.error,
  };
}

export function workflowView(workflow: Workflow, links: ArtifactLinks = {}) {
  const current = isActive(workflow) ? currentPhase(workflow) : undefined;
  return {
    id: workflow.id,
    ownerId: workflow.ownerId,
    budgetId: workflow.budgetId,
    status: workflow.status,
    prompt: workflow.prompt,
    preferences: workflow.preferences,
    executor: workflow.executor,
    estimate: formatFtns(workflow.estimate),
    maxCost: workflow.maxCost === null ? null : formatFtns(workflow.maxCost),
    totalCost: formatFtns(workflow.totalCost),
    cancelRequested: workflow.cancelRequested,
    createdAt: workflow.createdAt,
    startedAt: workflow.startedAt,
    finishedAt: workflow.finishedAt,
    settledAt: workflow.settledAt,
    updatedAt: workflow.updatedAt,
    safety: {
      score: formatScore(workflow.screening.score),
      threshold: formatScore(workflow.screening.threshold),
      matches: workflow.screening.matches,
    },
    currentPhase: current?.id ?? null,
    phases: workflow.phases.map((phase) => phaseView(workflow, phase, links)),
    failure: workflow.failure,
    audit: workflow.audit
      ? {
          head: workflow.audit.head,
          entries: workflow.audit.entries.map((entry) => ({ ...entry, score: formatScore(entry.score) })),
          verified: workflow.audit.verified,
          passed: workflow.audit.passed,
        }
      : null,
    response: workflow.response
      ? { ...workflow.response, totalCost: formatFtns(workflow.response.totalCost) }
      : null,
    links: {
      self: selfLink(workflow),
      cancel: `${selfLink(workflow)}/cancel`,
      audit: `${selfLink(workflow)}/audit`,
    },
  };
}

export const workflowSummaryView = (workflow: Workflow) => ({
  id: workflow.id,
  budgetId: workflow.budgetId,
  status: workflow.status,
  estimate: formatFtns(workflow.estimate),
  totalCost: formatFtns(workflow.totalCost),
  currentPhase: isActive(workflow) ? (currentPhase(workflow)?.id ?? null) : null,
  createdAt: workflow.createdAt,
  finishedAt: workflow.finishedAt,
  links: { self: selfLink(workflow) },
});

export const submittedView = (workflow: Workflow) => ({
  id: workflow.id,
  status: workflow.status,
  estimate: formatFtns(workflow.estimate),
  links: { self: selfLink(workflow), cancel: `${selfLink(workflow)}/cancel` },
});

export const verificationView = (workflowId: string, verification: AuditVerification, checkedAt: Date) => ({
  workflowId,
  ...verification,
  entries: verification.entries.map((entry) => ({ ...entry, score: formatScore(entry.score) })),
  checkedAt: checkedAt.toISOString(),
});

export const safetyPolicyView = (policy: SafetyPolicy) => ({
  threshold: formatScore(policy.threshold),
  phrases: policy.phrases,
  penalties: {
    dangerous: formatScore(PENALTY.dangerous),
    privacy: formatScore(PENALTY.privacy),
    bias: formatScore(PENALTY.bias),
  },
  updatedAt: policy.updatedAt,
  updatedBy: policy.updatedBy,
});
