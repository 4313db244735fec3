import type { PhaseDefinition } from '#shared/prices/phases.js';
import { type ArtifactRef, isLastPhase, sha256Hex } from './workflow.js';

/**
 * Small artifacts ride in the workflow item beside the phase's record, written by the capture that
 * records their hash: the phases after read them from the start's answer instead of the bucket.
 * A copy is used only when its bytes hash to the recorded sha256; otherwise, and for an artifact
 * too large to carry, the bucket is read. The bucket stays the record (`GET .../audit` re-verifies it).
 */
const CARRY_CHARS = 16_000;

const attributeOf = (phaseId: string): string => `artifact#${phaseId}`;

/** The capture's SET clause for the artifact's copy, when it is worth carrying (none for the last phase). */
export function carryArtifact(
  phase: PhaseDefinition,
  body: string,
  ref: ArtifactRef,
): { set: string; names: Record<string, string>; values: Record<string, unknown> } | undefined {
  if (isLastPhase(phase) || body.length > CARRY_CHARS) return undefined;
  // A redelivery whose output differs from the first write's: the bucket holds the first, so carry nothing.
  if (sha256Hex(Buffer.from(body, 'utf8')) !== ref.sha256) return undefined;
  return {
    set: '#carried = :carried',
    names: { '#carried': attributeOf(phase.id) },
    values: { ':carried': body },
  };
}

/** The carried copy of a phase's artifact, if its bytes are the ones recorded. */
export function carriedArtifact(
  item: Record<string, unknown> | undefined,
  phaseId: string,
  ref: ArtifactRef | null,
): Buffer | undefined {
  const body = item?.[attributeOf(phaseId)];
  if (typeof body !== 'string' || !ref) return undefined;
  const raw = Buffer.from(body, 'utf8');
  return sha256Hex(raw) === ref.sha256 ? raw : undefined;
}
