import * as z from 'zod';
import type { PhaseDefinition } from '#shared/prices/phases.js';
import type { PhaseContext, PhaseOutput, StoredArtifact } from '#shared/workflows/executors/executor.js';
import { MAX_SUMMARY_CHARS } from '#shared/workflows/executors/executor.js';
import type { SafetyPolicy } from '#shared/workflows/safety.js';
import type { AuditTrail, PhaseState, Preferences } from '#shared/workflows/workflow.js';

/**
 * What a lease carries to a node: the phase's full context as JSON (money as micro-FTNS digit
 * strings), links to the earlier artifacts (presigned S3 GETs, with the hash each must have),
 * the output schema its result must match and the token caps (none for the built-in phases).
 * The platform builds it (`leases.ts`); the node agent turns it back into the executors' context.
 */
export interface LeaseContext {
  workflowId: string;
  phase: { id: string; number: number; name: string; category: string; components: string[] };
  prompt: string;
  preferences: Preferences;
  earlier: {
    id: string;
    number: number;
    status: string;
    summary: string | null;
    cost: string | null;
    artifact: { key: string; sha256: string; bytes: number } | null;
  }[];
  artifacts: Record<string, { url: string; sha256: string }>;
  safetyPolicy: SafetyPolicy | null;
  audit: AuditTrail | null;
  cost: string;
  hold: string;
  outputSchema: Record<string, unknown>;
  tokenCaps: { input: number; output: number } | null;
}

const auditSchema = z.object({
  genesis: z.string(),
  entries: z.array(
    z.object({
      phase: z.string(),
      sha256: z.string(),
      score: z.number(),
      passed: z.boolean(),
      link: z.string(),
    }),
  ),
  head: z.string(),
  verified: z.boolean().nullable(),
  passed: z.boolean(),
});

/** A node's result: what an executor returns, as JSON. */
export const leaseOutputSchema = z.strictObject({
  summary: z.string().min(1).max(MAX_SUMMARY_CHARS),
  data: z.record(z.string(), z.unknown()),
  audit: auditSchema.optional(),
  report: z.string().max(60_000).optional(),
});

export const LEASE_OUTPUT_JSON_SCHEMA = z.toJSONSchema(leaseOutputSchema) as Record<string, unknown>;

export function outputOf(parsed: z.infer<typeof leaseOutputSchema>): PhaseOutput {
  return {
    summary: parsed.summary,
    data: parsed.data,
    ...(parsed.audit ? { audit: parsed.audit } : {}),
    ...(parsed.report ? { report: parsed.report } : {}),
  };
}

/** The executors' context on a node, from its lease: artifacts fetched from their links and checked. */
export function phaseContextFromLease(
  lease: LeaseContext,
  definition: PhaseDefinition,
  fetchArtifact: (url: string) => Promise<Buffer>,
): PhaseContext {
  const cache = new Map<string, Promise<StoredArtifact>>();
  const artifact = (phaseId: string) => {
    let found = cache.get(phaseId);
    if (!found) {
      const link = lease.artifacts[phaseId];
      if (!link) throw new Error(`the lease carries no artifact of phase ${phaseId}`);
      found = fetchArtifact(link.url).then((raw) => ({ raw, document: JSON.parse(raw.toString('utf8')) }));
      cache.set(phaseId, found);
    }
    return found;
  };
  const earlier: PhaseState[] = lease.earlier.map((p) => ({
    id: p.id,
    number: p.number,
    status: p.status as PhaseState['status'],
    holdId: '',
    estimate: 0n,
    cost: p.cost === null ? null : BigInt(p.cost),
    extraCharge: null,
    components: [],
    startedAt: null,
    finishedAt: null,
    durationMs: null,
    executorMs: null,
    attempts: 0,
    executor: null,
    summary: p.summary,
    artifact: p.artifact,
    usage: null,
    spent: [],
    error: null,
  }));
  return {
    workflowId: lease.workflowId,
    phase: definition,
    prompt: lease.prompt,
    preferences: lease.preferences,
    earlier,
    artifact,
    safety: async () => {
      if (!lease.safetyPolicy) throw new Error('the lease carries no safety policy');
      return lease.safetyPolicy;
    },
    audit: lease.audit,
    cost: BigInt(lease.cost),
    hold: BigInt(lease.hold),
    modelPrices: {},
    executorName: 'builtin-demo',
    attempt: 1,
  };
}
