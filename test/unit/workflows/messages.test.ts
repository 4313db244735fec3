import { describe, expect, it } from 'vitest';
import { PHASE_QUEUE_SPEC, phaseMessageSchema, retryDelaySeconds } from '#shared/workflows/messages.js';

describe('Phase messages', () => {
  it('come back after 1 s, then 2 s, and at once on the last receive (straight to the DLQ)', () => {
    expect(PHASE_QUEUE_SPEC.maxReceiveCount).toBe(3);
    expect([1, 2, 3].map((n) => retryDelaySeconds(n))).toEqual([1, 2, 0]);
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => retryDelaySeconds(n, 10))).toEqual([
      1, 2, 4, 8, 16, 32, 60, 60,
    ]);
  });

  it('name a workflow and one of the seven phases, nothing else', () => {
    expect(phaseMessageSchema.safeParse({ workflowId: 'wf_01ABC', phase: 'codegen' }).success).toBe(true);
    expect(phaseMessageSchema.safeParse({ workflowId: 'wf_01ABC', phase: 'cleanup' }).success).toBe(false);
    expect(phaseMessageSchema.safeParse({ workflowId: 'bud_01ABC', phase: 'codegen' }).success).toBe(false);
  });
});
