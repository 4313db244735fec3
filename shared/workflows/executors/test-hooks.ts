import type { PhaseExecutor } from './executor.js';

/**
 * Failure injection for tests, honoured only when PRSM_WORKFLOW_TEST_HOOKS=1 (never set by the
 * stack): markers in the prompt make a phase's executor misbehave.
 *
 * - `[[fail:<phase>]]`       the phase throws on every attempt (ends in the DLQ);
 * - `[[fail-once:<phase>]]`  the phase throws on its first attempt only (SQS retries it);
 * - `[[pause:<phase>:<ms>]]` the phase waits before working (a window to cancel or change prices).
 */
const MARKER = /\[\[(fail|fail-once|pause):([a-z_]+)(?::(\d{1,5}))?\]\]/g;

export interface TestHook {
  kind: 'fail' | 'fail-once' | 'pause';
  phase: string;
  ms: number;
}

export function hooksIn(prompt: string): TestHook[] {
  return [...prompt.matchAll(MARKER)].map((match) => ({
    kind: match[1] as TestHook['kind'],
    phase: match[2]!,
    ms: Number(match[3] ?? 0),
  }));
}

export class InjectedFailure extends Error {
  constructor(phase: string) {
    super(`injected failure in phase ${phase} (test hook)`);
    this.name = 'InjectedFailure';
  }
}

export function withTestHooks(
  executor: PhaseExecutor,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): PhaseExecutor {
  return {
    name: executor.name,
    async execute(context) {
      const hooks = hooksIn(context.prompt).filter((hook) => hook.phase === context.phase.id);
      // Pauses first: a paused phase that then fails fails late, as a slow broken one would.
      for (const hook of hooks) if (hook.kind === 'pause') await sleep(hook.ms);
      for (const hook of hooks) {
        if (hook.kind === 'fail' || (hook.kind === 'fail-once' && context.attempt === 1)) {
          throw new InjectedFailure(hook.phase);
        }
      }
      return executor.execute(context);
    },
  };
}
