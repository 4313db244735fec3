import { describe, expect, it } from 'vitest';
import { PHASES } from '#shared/prices/phases.js';
import { carriedArtifact, carryArtifact } from '#shared/workflows/carried.js';
import { sha256Hex } from '#shared/workflows/workflow.js';

const teacher = PHASES[0]!;
const settlement = PHASES[PHASES.length - 1]!;
const body = '{"summary":"taught"}\n';
const ref = { key: 'artifacts/wf/teacher.json', sha256: sha256Hex(body), bytes: body.length };

/** The item as the capture leaves it: the SET clause's attribute holding the value. */
function itemAfter(carry: ReturnType<typeof carryArtifact>): Record<string, unknown> {
  return { [Object.values(carry!.names)[0]!]: Object.values(carry!.values)[0] };
}

describe('Artifacts carried in the workflow item', () => {
  it('gives back the carried bytes when they hash to the recorded sha256', () => {
    const item = itemAfter(carryArtifact(teacher, body, ref));
    expect(carriedArtifact(item, teacher.id, ref)?.toString('utf8')).toBe(body);
  });

  it('falls back to the bucket for a copy that does not match, a missing record or a missing copy', () => {
    const item = itemAfter(carryArtifact(teacher, body, ref));
    expect(carriedArtifact(item, teacher.id, { ...ref, sha256: sha256Hex('other') })).toBeUndefined();
    expect(carriedArtifact(item, teacher.id, null)).toBeUndefined();
    expect(carriedArtifact(item, 'prompter', ref)).toBeUndefined();
  });

  it('carries nothing too large, nothing of the last phase, and nothing the bucket does not hold', () => {
    expect(carryArtifact(teacher, 'x'.repeat(16_001), ref)).toBeUndefined();
    expect(carryArtifact(settlement, body, ref)).toBeUndefined();
    expect(carryArtifact(teacher, '{"summary":"a redelivery wrote otherwise"}\n', ref)).toBeUndefined();
  });
});
