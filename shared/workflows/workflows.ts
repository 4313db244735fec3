import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ForbiddenError } from '#platform/errors.js';
import type { Principal } from '#platform/http/principal.js';
import { isAdmin, readableOwner } from '#platform/http/principal.js';
import type { Page } from '#platform/pagination.js';
import { queryPage } from '#platform/query-page.js';
import type { Table } from '#platform/table.js';
import { PHASES } from '#shared/prices/phases.js';
import { type ArtifactStore, artifactLink, readArtifact } from './artifacts.js';
import { verifyChain } from './audit-chain.js';
import { ArtifactNotFoundError, WorkflowNotFoundError } from './errors.js';
import { type AuditEntry, sha256Hex, type Workflow, workflowKey, workflowOf } from './workflow.js';

export async function findWorkflow(table: Table, id: string): Promise<Workflow | undefined> {
  const { Item } = await table.doc.send(
    new GetCommand({ TableName: table.name, Key: workflowKey(id), ConsistentRead: true }),
  );
  return Item ? workflowOf(Item) : undefined;
}

/** A workflow its owner (or an admin) may read; to anyone else it does not exist. */
export async function getWorkflow(table: Table, id: string, principal: Principal): Promise<Workflow> {
  const workflow = await findWorkflow(table, id);
  if (!workflow || (workflow.ownerId !== principal.userId && !isAdmin(principal))) {
    throw new WorkflowNotFoundError();
  }
  return workflow;
}

/** A user's workflows, newest first. */
/** A user's workflows, newest first: the caller's own, or (admins) any user's. */
export function listWorkflows(
  table: Table,
  principal: Principal,
  query: { limit: number; cursor?: string; userId?: string },
): Promise<Page<Workflow>> {
  const { userId, ...page } = query;
  const ownerId = readableOwner(
    principal,
    userId,
    () => new ForbiddenError("Only admins may list another user's workflows"),
  );
  return queryPage(
    table,
    { index: 'gsi1', partitionKeyName: 'gsi1pk', partitionKey: `WORKFLOWS#${ownerId}`, newestFirst: true },
    page,
    workflowOf,
  );
}

/** A phase by its id or its number ("codegen" or "3"). */
export const findPhase = (phase: string) =>
  PHASES.find((definition) => definition.id === phase || String(definition.number) === phase);

export async function artifactLinkOf(
  store: ArtifactStore,
  workflow: Workflow,
  phaseIdOrNumber: string,
  now: Date,
) {
  const definition = findPhase(phaseIdOrNumber);
  const phase = workflow.phases.find((p) => p.id === definition?.id);
  if (!phase?.artifact) throw new ArtifactNotFoundError();
  return { phase, ...(await artifactLink(store, phase.artifact.key, now)) };
}

export interface AuditVerification {
  /** `none` before the security phase; `started` once it chained; `complete` after the last phase. */
  state: 'none' | 'started' | 'complete';
  genesis: string | null;
  head: string | null;
  entries: (AuditEntry & { actualSha256: string | null; intact: boolean })[];
  linksIntact: boolean;
  artifactsIntact: boolean;
  firstBrokenPhase: string | null;
  /** Every artifact's safety verdict passed. */
  passed: boolean;
  verified: boolean;
}

/** Re-reads every chained artifact from S3 and recomputes the chain, now. */
export async function verifyAudit(store: ArtifactStore, workflow: Workflow): Promise<AuditVerification> {
  const audit = workflow.audit;
  if (!audit) {
    return {
      state: 'none',
      genesis: null,
      head: null,
      entries: [],
      linksIntact: false,
      artifactsIntact: false,
      firstBrokenPhase: null,
      passed: false,
      verified: false,
    };
  }
  const actual: Record<string, string | undefined> = {};
  await Promise.all(
    audit.entries.map(async (entry) => {
      const key = workflow.phases.find((p) => p.id === entry.phase)?.artifact?.key;
      actual[entry.phase] = key
        ? sha256Hex(await readArtifact(store, key).catch(() => Buffer.alloc(0)))
        : undefined;
    }),
  );
  const check = verifyChain(audit, actual);
  const passed = audit.entries.every((entry) => entry.passed);
  return {
    state: audit.verified === null ? 'started' : 'complete',
    genesis: audit.genesis,
    head: audit.head,
    entries: audit.entries.map((entry) => ({
      ...entry,
      actualSha256: actual[entry.phase] ?? null,
      intact: actual[entry.phase] === entry.sha256,
    })),
    linksIntact: check.linksIntact,
    artifactsIntact: check.artifactsIntact,
    firstBrokenPhase: check.firstBrokenPhase,
    passed,
    verified: check.linksIntact && check.artifactsIntact,
  };
}
