import type { PhaseContext } from './executors/executor.js';
import { type AuditEntry, type AuditTrail, sha256Hex } from './workflow.js';

/**
 * The audit trail: a hash chain over the phases' artifacts. Each link hashes the link before,
 * the phase, the artifact's SHA-256 and its safety verdict, so changing an artifact, a score or
 * the order breaks every later link. The genesis binds the chain to its workflow and prompt.
 */
const VERSION = 'prsm-audit/v1';

export const genesisOf = (workflowId: string, promptSha256: string): string =>
  sha256Hex(`${VERSION}\n${workflowId}\n${promptSha256}`);

export const linkOf = (previous: string, entry: Omit<AuditEntry, 'link'>): string =>
  sha256Hex(`${previous}\n${entry.phase}\n${entry.sha256}\n${entry.score}\n${entry.passed ? 1 : 0}`);

/** Appends entries to a chain (or starts one from its genesis). */
export function extendChain(
  trail: Pick<AuditTrail, 'genesis' | 'entries'>,
  added: Omit<AuditEntry, 'link'>[],
): Pick<AuditTrail, 'genesis' | 'entries' | 'head' | 'passed'> {
  const entries = [...trail.entries];
  let head = entries.at(-1)?.link ?? trail.genesis;
  for (const entry of added) {
    head = linkOf(head, entry);
    entries.push({ ...entry, link: head });
  }
  return { genesis: trail.genesis, entries, head, passed: entries.every((entry) => entry.passed) };
}

export interface ChainCheck {
  /** Every link recomputes from the one before, and the head is the last link. */
  linksIntact: boolean;
  /** Each entry's artifact hash equals the hash of the artifact as it is now (when given). */
  artifactsIntact: boolean;
  firstBrokenPhase: string | null;
}

/** Recomputes the chain; `actualSha256` maps a phase to the hash of its artifact as read now. */
export function verifyChain(
  trail: Pick<AuditTrail, 'genesis' | 'entries' | 'head'>,
  actualSha256?: Record<string, string | undefined>,
): ChainCheck {
  let previous = trail.genesis;
  let firstBrokenPhase: string | null = null;
  let linksIntact = true;
  let artifactsIntact = true;
  for (const entry of trail.entries) {
    const expected = linkOf(previous, entry);
    if (expected !== entry.link) linksIntact = false;
    if (actualSha256 && actualSha256[entry.phase] !== entry.sha256) artifactsIntact = false;
    if (firstBrokenPhase === null && (!linksIntact || !artifactsIntact)) firstBrokenPhase = entry.phase;
    previous = entry.link;
  }
  if (previous !== trail.head) {
    linksIntact = false;
    firstBrokenPhase ??= trail.entries.at(-1)?.phase ?? null;
  }
  return { linksIntact, artifactsIntact, firstBrokenPhase };
}

/**
 * The settlement's close of the chain: the trail extended with `fresh` entries, and whether the
 * chain as the security phase left it, and as extended, still recomputes over the phases'
 * artifacts as they are now in S3.
 */
export async function closeChain(
  context: Pick<PhaseContext, 'audit' | 'workflowId' | 'prompt' | 'artifact'>,
  ids: string[],
  fresh: Omit<AuditEntry, 'link'>[],
): Promise<{ trail: ReturnType<typeof extendChain>; verified: boolean }> {
  const actual: Record<string, string> = {};
  await Promise.all(
    ids.map(async (id) => {
      actual[id] = sha256Hex((await context.artifact(id)).raw);
    }),
  );
  const started = context.audit ?? {
    genesis: genesisOf(context.workflowId, sha256Hex(context.prompt)),
    entries: [],
    head: '',
  };
  const before = context.audit
    ? verifyChain(context.audit, actual)
    : { linksIntact: true, artifactsIntact: true };
  const trail = extendChain(started, fresh);
  const after = verifyChain(trail, actual);
  return {
    trail,
    verified: before.linksIntact && before.artifactsIntact && after.linksIntact && after.artifactsIntact,
  };
}
