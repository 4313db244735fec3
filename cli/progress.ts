import type { components } from '#client/index.js';

type Workflow = components['schemas']['Workflow'];

export const FINISHED = new Set<Workflow['status']>(['completed', 'failed', 'cancelled']);

const WIDTH = 12;
const FILL: Record<string, number> = { completed: WIDTH, skipped: WIDTH, failed: WIDTH, running: WIDTH / 2 };

/** One line per phase with a bar and its cost, then the cost so far against the estimate. */
export function progressLines(workflow: Workflow, tick: number): string[] {
  const nameWidth = Math.max(...workflow.phases.map((phase) => phase.id.length));
  const lines = workflow.phases.map((phase) => {
    const filled = FILL[phase.status] ?? 0;
    // A running phase's bar moves, so a long phase still shows the CLI is alive.
    const head = phase.status === 'running' ? '>-'[tick % 2] : '';
    const bar = `${'#'.repeat(filled)}${head}`.padEnd(WIDTH, '.');
    return `${phase.id.padEnd(nameWidth)}  [${bar}]  ${phase.status.padEnd(9)}  ${phase.cost ?? ''}`.trimEnd();
  });
  lines.push(`${workflow.status}: ${workflow.totalCost} FTNS so far of an estimated ${workflow.estimate}`);
  return lines;
}

/**
 * Draws the progress in place on a terminal (moving the cursor back over the last drawing);
 * elsewhere writes a line only when a phase's status changes, so a log stays readable.
 */
export function progressWriter(stream: NodeJS.WriteStream) {
  let drawn = 0;
  let tick = 0;
  const seen = new Map<string, string>();
  return (workflow: Workflow) => {
    if (stream.isTTY) {
      const lines = progressLines(workflow, tick++);
      stream.write(`${drawn ? `\x1b[${drawn}F` : ''}${lines.map((line) => `\x1b[2K${line}`).join('\n')}\n`);
      drawn = lines.length;
      return;
    }
    for (const phase of workflow.phases) {
      if (seen.get(phase.id) === phase.status) continue;
      seen.set(phase.id, phase.status);
      if (phase.status !== 'pending') {
        stream.write(
          `${phase.id} ${phase.status}${phase.cost ? ` ${phase.cost}` : ''} (${workflow.totalCost} FTNS so far)\n`,
        );
      }
    }
  };
}
