/**
 * What one delivery of a phase message did and how long each step took. The runner returns it,
 * the handler logs it, and the benchmark listens in (the local runtime runs in its process).
 */
export type PhaseOutcome =
  /** Ran, captured and queued the next phase (or finished the workflow). */
  | 'completed'
  /** The phase had already been captured: nothing charged, the next phase re-sent if it may be lost. */
  | 'duplicate'
  /** A message for a workflow or phase that has moved on (or not got there): acknowledged. */
  | 'stale'
  /** The workflow stopped: cancelled, or a budget or balance that cannot cover the phase. */
  | 'stopped'
  /** Put up as an offer to the provider network (`executor: network`): a lease's result pays it. */
  | 'offered';

export interface PhaseReport {
  workflowId: string;
  phase: string;
  attempt: number;
  outcome: PhaseOutcome;
  totalMs: number;
  /** Wall-clock milliseconds of each step, in order. */
  steps: Record<string, number>;
}

type Listener = (report: PhaseReport) => void;
const listeners = new Set<Listener>();

export function observePhases(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function reportPhase(report: PhaseReport): void {
  for (const listener of listeners) listener(report);
}

/** Times consecutive steps: `step(name)` closes the running step under `name`. */
export function stepTimer() {
  const start = performance.now();
  let last = start;
  const steps: Record<string, number> = {};
  return {
    steps,
    step(name: string): number {
      const now = performance.now();
      const ms = now - last;
      steps[name] = Math.round(((steps[name] ?? 0) + ms) * 100) / 100;
      last = now;
      return ms;
    },
    total: () => Math.round((performance.now() - start) * 100) / 100,
  };
}
