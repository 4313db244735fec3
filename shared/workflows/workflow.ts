import { createHash, randomInt } from 'node:crypto';
import type { Micro } from '#platform/money.js';
import { PHASES, type PhaseDefinition } from '#shared/prices/phases.js';
import type { WorkflowListing } from './listings.js';
import type { UsageLine } from './research/meter.js';
import { snapshotOf, type WorkflowSnapshot } from './snapshot.js';
import { type SpentAttempt, spentOfItem } from './spent.js';

/**
 * A research workflow: one item holding the request, the state of each of its seven phases,
 * the audit trail and the response. Every change is a conditional update of this item (or a leg
 * of a transaction that also moves the money), so its phase states are what make a redelivered
 * SQS message harmless.
 */
export type WorkflowStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

/**
 * Stored phase states. `queued`: its message was sent (or is about to be, right after the
 * commit that queued it); `completed`: its cost was captured. A stopped workflow leaves later
 * phases as they were; views show them as `skipped` (or `failed` for the phase that failed).
 */
export type PhaseStatus = 'pending' | 'queued' | 'running' | 'completed';

export const ACTIVE_STATUSES: readonly WorkflowStatus[] = ['queued', 'running'];

export interface ArtifactRef {
  key: string;
  sha256: string;
  bytes: number;
}

export interface ComponentCharge {
  name: string;
  price: Micro;
}

export interface PhaseState {
  id: string;
  number: number;
  status: PhaseStatus;
  holdId: string;
  /** What the phase's hold and reservation cover: its cost under the price list at submission. */
  estimate: Micro;
  cost: Micro | null;
  /** Charged beyond the hold when the phase cost more than its estimate. */
  extraCharge: Micro | null;
  components: ComponentCharge[];
  startedAt: string | null;
  finishedAt: string | null;
  /** From the phase's start to its capture; `executorMs` of it in the executor. */
  durationMs: number | null;
  executorMs: number | null;
  attempts: number;
  executor: string | null;
  summary: string | null;
  artifact: ArtifactRef | null;
  /** A model phase's exchanges with usage: what its cost was computed from. */
  usage: UsageLine[] | null;
  /** The last error of a failed attempt. */
  error: string | null;
  /** What failed attempts of a model phase used: billed with the phase (`spent.ts`). */
  spent: SpentAttempt[];
}

/** One link of the audit trail: an artifact's hash and safety score, chained to the link before. */
export interface AuditEntry {
  phase: string;
  sha256: string;
  /** Safety score in hundredths (100 = 1.0). */
  score: number;
  passed: boolean;
  link: string;
}

export interface AuditTrail {
  genesis: string;
  entries: AuditEntry[];
  head: string;
  /** Set by the last phase: the chain recomputed from the artifacts matched. */
  verified: boolean | null;
  /** Every entry passed the safety threshold. */
  passed: boolean;
}

/** `builtin`: the deterministic demonstration; a provider: the model phases on it; `network`: provider nodes. */
export type ExecutorName = 'builtin' | 'openai' | 'bedrock' | 'network';

export interface WorkflowResponse {
  /** `builtin-demo` for the deterministic demonstration, else the provider. */
  executor: string;
  responseText: string;
  totalCost: Micro;
  executionTimeMs: number;
  componentsUsed: string[];
  safetyValidated: boolean;
}

export interface Screening {
  score: number;
  threshold: number;
  matches: { dangerous: number; privacy: number; bias: number };
}

export interface Failure {
  code: string;
  message: string;
  phase: string | null;
}

export type Preferences = Record<string, string | number | boolean>;

export interface Workflow {
  id: string;
  ownerId: string;
  budgetId: string;
  prompt: string;
  preferences: Preferences;
  executor: ExecutorName;
  status: WorkflowStatus;
  estimate: Micro;
  maxCost: Micro | null;
  totalCost: Micro;
  cancelRequested: boolean;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** When every hold was resolved: with the last capture, or after a stop's releases. */
  settledAt: string | null;
  updatedAt: string;
  screening: Screening;
  phases: PhaseState[];
  failure: Failure | null;
  response: WorkflowResponse | null;
  audit: AuditTrail | null;
  /** Marketplace listings named as the teacher's context (`listings.ts`). */
  listings: WorkflowListing[];
  /** The prices and policy of its quote, as stored (`snapshot.ts`); null for an item without them. */
  snapshot?: WorkflowSnapshot | null;
}

export const workflowKey = (id: string) => ({ pk: `WORKFLOW#${id}`, sk: 'WORKFLOW' });

/** Running workflows are listed in a few partitions of gsi2, by last change: what a re-drive looks for. */
export const ACTIVE_INDEX_SHARDS = 4;
export const activeIndexKey = (updatedAt: string, id: string) => `${updatedAt}#${id}`;

export const phaseById = (id: string): PhaseDefinition => {
  const found = PHASES.find((phase) => phase.id === id);
  if (!found) throw new Error(`no phase ${id}`);
  return found;
};

export const isLastPhase = (phase: PhaseDefinition): boolean => phase.number === PHASES.length;

export const isActive = (workflow: Pick<Workflow, 'status'>): boolean =>
  ACTIVE_STATUSES.includes(workflow.status);

export const sha256Hex = (data: string | Uint8Array): string =>
  createHash('sha256').update(data).digest('hex');

const micro = (value: unknown): Micro => BigInt(value as bigint);
const microOrNull = (value: unknown): Micro | null =>
  value === undefined || value === null ? null : BigInt(value as bigint);
const stringOrNull = (value: unknown): string | null =>
  value === undefined || value === null ? null : String(value);

/**
 * What a completed phase recorded. It never changes once written and nothing is conditioned on
 * it, so it is kept as one JSON string attribute (amounts as micro-FTNS digit strings): the item
 * stays cheap to read and write, and the local AWS reads a few strings far faster than deep maps.
 */
export interface PhaseResult {
  cost: Micro;
  components: ComponentCharge[];
  finishedAt: string;
  durationMs: number;
  executorMs: number;
  artifact: ArtifactRef;
  executor: string;
  summary: string;
  usage?: UsageLine[];
}

export const phaseResultJson = (result: PhaseResult): string =>
  JSON.stringify({
    ...result,
    cost: String(result.cost),
    components: result.components.map((c) => ({ name: c.name, price: String(c.price) })),
  });

function phaseResultOf(json: unknown): Partial<PhaseState> {
  if (typeof json !== 'string') return {};
  const result = JSON.parse(json) as Record<string, unknown>;
  const artifact = result.artifact as Record<string, unknown>;
  return {
    cost: BigInt(String(result.cost)),
    components: (result.components as Record<string, unknown>[]).map((c) => ({
      name: String(c.name),
      price: BigInt(String(c.price)),
    })),
    finishedAt: String(result.finishedAt),
    durationMs: Number(result.durationMs),
    executorMs: Number(result.executorMs),
    artifact: { key: String(artifact.key), sha256: String(artifact.sha256), bytes: Number(artifact.bytes) },
    executor: String(result.executor),
    summary: String(result.summary),
    usage: Array.isArray(result.usage) ? (result.usage as UsageLine[]) : null,
  };
}

function phaseOf(definition: PhaseDefinition, item: Record<string, unknown> | undefined): PhaseState {
  const stored = item ?? {};
  const spent = spentOfItem(stored.spent);
  return {
    id: definition.id,
    number: definition.number,
    status: (stored.status ?? 'pending') as PhaseStatus,
    holdId: String(stored.holdId ?? ''),
    estimate: micro(stored.estimate ?? 0n),
    extraCharge: microOrNull(stored.extraCharge),
    components: [],
    startedAt: stringOrNull(stored.startedAt),
    finishedAt: null,
    durationMs: null,
    executorMs: null,
    attempts: Number(stored.attempts ?? 0),
    executor: null,
    summary: null,
    artifact: null,
    error: stringOrNull(stored.error),
    spent,
    // A phase that failed for good after model calls was charged what they used (no result).
    cost: microOrNull(stored.cost),
    usage: spent.length > 0 ? spent.flatMap((attempt) => attempt.usage) : null,
    ...phaseResultOf(stored.result),
  };
}

/** The audit trail and the response are written whole, once each: JSON strings, like phase results. */
export const auditJson = (audit: AuditTrail): string => JSON.stringify(audit);

export const responseJson = (response: WorkflowResponse): string =>
  JSON.stringify({ ...response, totalCost: String(response.totalCost) });

const parsed = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'string' ? (JSON.parse(value) as Record<string, unknown>) : undefined;

function auditOf(item: Record<string, unknown> | undefined): AuditTrail | null {
  if (!item) return null;
  return {
    genesis: String(item.genesis),
    entries: ((item.entries ?? []) as Record<string, unknown>[]).map((entry) => ({
      phase: String(entry.phase),
      sha256: String(entry.sha256),
      score: Number(entry.score),
      passed: Boolean(entry.passed),
      link: String(entry.link),
    })),
    head: String(item.head),
    verified: item.verified === undefined || item.verified === null ? null : Boolean(item.verified),
    passed: Boolean(item.passed),
  };
}

export function workflowOf(item: Record<string, unknown>): Workflow {
  const phases = (item.phases ?? {}) as Record<string, Record<string, unknown>>;
  const screening = (item.screening ?? {}) as Record<string, unknown>;
  const matches = (screening.matches ?? {}) as Record<string, unknown>;
  const failure = item.failure as Record<string, unknown> | undefined;
  const response = parsed(item.response);
  return {
    id: String(item.id),
    ownerId: String(item.ownerId),
    budgetId: String(item.budgetId),
    prompt: String(item.prompt),
    preferences: (item.preferences ?? {}) as Preferences,
    executor: (item.executor ?? 'builtin') as ExecutorName,
    status: item.status as WorkflowStatus,
    estimate: micro(item.estimate),
    maxCost: microOrNull(item.maxCost),
    totalCost: micro(item.totalCost ?? 0n),
    cancelRequested: Boolean(item.cancelRequested),
    createdAt: String(item.createdAt),
    startedAt: stringOrNull(item.startedAt),
    finishedAt: stringOrNull(item.finishedAt),
    settledAt: stringOrNull(item.settledAt),
    updatedAt: String(item.updatedAt),
    screening: {
      score: Number(screening.score ?? 100),
      threshold: Number(screening.threshold ?? 0),
      matches: {
        dangerous: Number(matches.dangerous ?? 0),
        privacy: Number(matches.privacy ?? 0),
        bias: Number(matches.bias ?? 0),
      },
    },
    phases: PHASES.map((definition) => phaseOf(definition, phases[definition.id])),
    listings: typeof item.listings === 'string' ? (JSON.parse(item.listings) as WorkflowListing[]) : [],
    failure: failure
      ? { code: String(failure.code), message: String(failure.message), phase: stringOrNull(failure.phase) }
      : null,
    response: response
      ? {
          executor: String(response.executor ?? 'builtin-demo'),
          responseText: String(response.responseText),
          totalCost: BigInt(String(response.totalCost)),
          executionTimeMs: Number(response.executionTimeMs),
          componentsUsed: (response.componentsUsed as unknown[]).map(String),
          safetyValidated: Boolean(response.safetyValidated),
        }
      : null,
    audit: auditOf(parsed(item.audit)),
    snapshot: snapshotOf(item),
  };
}

/** The stored form of a new workflow. */
export function workflowItem(workflow: Workflow): Record<string, unknown> {
  return {
    ...workflowKey(workflow.id),
    type: 'workflow',
    id: workflow.id,
    ownerId: workflow.ownerId,
    budgetId: workflow.budgetId,
    prompt: workflow.prompt,
    preferences: workflow.preferences,
    executor: workflow.executor,
    status: workflow.status,
    estimate: workflow.estimate,
    ...(workflow.maxCost !== null ? { maxCost: workflow.maxCost } : {}),
    totalCost: workflow.totalCost,
    createdAt: workflow.createdAt,
    updatedAt: workflow.updatedAt,
    screening: workflow.screening,
    ...(workflow.listings.length > 0 ? { listings: JSON.stringify(workflow.listings) } : {}),
    phases: Object.fromEntries(
      workflow.phases.map((phase) => [
        phase.id,
        { status: phase.status, holdId: phase.holdId, estimate: phase.estimate, attempts: 0 },
      ]),
    ),
    gsi1pk: `WORKFLOWS#${workflow.ownerId}`,
    gsi1sk: workflow.id,
    gsi2pk: `ACTIVE_WORKFLOWS#${randomInt(ACTIVE_INDEX_SHARDS)}`,
    gsi2sk: activeIndexKey(workflow.updatedAt, workflow.id),
  };
}

/** The phase the workflow is at: the first that has not completed. */
export const currentPhase = (workflow: Workflow): PhaseState | undefined =>
  workflow.phases.find((phase) => phase.status !== 'completed');
