import { PHASE_QUEUE, phaseSender } from '#shared/workflows/messages.js';
import { listStuckWorkflows, redriveWorkflow } from '#shared/workflows/redrive.js';
import { findWorkflow } from '#shared/workflows/workflows.js';
import type { CheckLimits } from '../check.js';
import type { CapabilityProbes } from '../probe-deps.js';

/** A workflow with no progress for this long is re-driven: its current phase's message is sent again. */
export const STUCK_AFTER_MS = 10 * 60 * 1000;
const SCANNING: Partial<CheckLimits> = { timeoutMs: 20_000, slowMs: 5_000 };

export const workflowProbes: CapabilityProbes = {
  capability: 'workflows',
  checks: (deps) => [
    {
      name: 'workflows',
      group: 'components',
      run: async () => {
        await findWorkflow(deps.table, 'wf_HEALTHPROBE');
        return { status: 'healthy', detail: 'workflow reads answer' };
      },
    },
    {
      // Re-sending a phase message is safe: a phase applied twice charges and enqueues once.
      name: 'workflows-progress',
      group: 'integrations',
      kind: 'audit',
      limits: SCANNING,
      run: async () => {
        const url = deps.queueUrls[PHASE_QUEUE];
        if (!url) return { status: 'degraded', detail: `the sweep cannot reach the ${PHASE_QUEUE} queue` };
        const stuck = await listStuckWorkflows(
          deps.table,
          new Date(deps.clock.now().getTime() - STUCK_AFTER_MS),
        );
        const redriven: string[] = [];
        for (const workflow of stuck) {
          const phase = await redriveWorkflow(phaseSender(deps.sqs, url), workflow);
          if (phase) redriven.push(`${workflow.id} (${phase})`);
        }
        if (redriven.length === 0)
          return { status: 'healthy', detail: 'no workflow without progress for 10 minutes' };
        return {
          status: 'degraded',
          detail: `re-drove ${redriven.length} stuck workflow(s): ${redriven.slice(0, 5).join(', ')}`,
        };
      },
    },
  ],
};
