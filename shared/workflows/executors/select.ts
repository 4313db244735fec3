import * as z from 'zod';
import type { Clock } from '#platform/clock.js';
import type { Table } from '#platform/table.js';
import { type ModelSettings, readModelSettings } from '../models/config.js';
import { modelRegistry } from '../models/registry.js';
import { type ResearchExecutor, researchExecutor } from '../research/executor.js';
import type { ExecutorName } from '../workflow.js';
import { builtinExecutor } from './builtin.js';
import { dynamoBreakerStore } from './circuit-breaker.js';
import type { PhaseExecutor } from './executor.js';
import { withTestHooks } from './test-hooks.js';

/**
 * Which executors a container offers, from the environment (read once, failing fast). The
 * built-in demonstration always; the model phases on the provider of the model settings
 * (`../models/config.ts`) when they are configured: `PRSM_MODEL_PROVIDER` set, or
 * `PRSM_WORKFLOW_EXECUTOR` naming a provider. `PRSM_WORKFLOW_EXECUTOR` is the executor of a
 * submission that names none (default `builtin`).
 */
const executorEnvSchema = z.object({
  PRSM_WORKFLOW_EXECUTOR: z.enum(['builtin', 'openai', 'bedrock']).default('builtin'),
  PRSM_WORKFLOW_TEST_HOOKS: z.enum(['0', '1']).default('0'),
});

export type ExecutorEnv = z.infer<typeof executorEnvSchema> & { models: ModelSettings | null };

export function readExecutorEnv(env: Record<string, string | undefined> = process.env): ExecutorEnv {
  const parsed = executorEnvSchema.parse(env);
  const wanted = parsed.PRSM_WORKFLOW_EXECUTOR;
  if (wanted === 'builtin' && !env.PRSM_MODEL_PROVIDER) return { ...parsed, models: null };
  if (wanted !== 'builtin' && env.PRSM_MODEL_PROVIDER && env.PRSM_MODEL_PROVIDER !== wanted) {
    throw new Error(
      `PRSM_WORKFLOW_EXECUTOR=${wanted} asks the ${wanted} provider: PRSM_MODEL_PROVIDER must be ${wanted} or unset`,
    );
  }
  const models = readModelSettings({
    ...env,
    PRSM_MODEL_PROVIDER: env.PRSM_MODEL_PROVIDER ?? wanted,
  });
  return { ...parsed, models };
}

export interface Executors {
  /** The executor of a submission that names none. */
  default: ExecutorName;
  builtin: PhaseExecutor;
  /** The model phases on the configured provider; null when no model is configured. */
  research: ResearchExecutor | null;
  of(name: ExecutorName): PhaseExecutor;
}

export function selectExecutors(env: ExecutorEnv, deps: { table: Table; clock: Clock }): Executors {
  const hooked = (executor: PhaseExecutor) =>
    env.PRSM_WORKFLOW_TEST_HOOKS === '1' ? withTestHooks(executor) : executor;
  const research = env.models
    ? researchExecutor(
        modelRegistry(env.models, { clock: deps.clock, breakerStore: dynamoBreakerStore(deps.table) }),
      )
    : null;
  const builtin = hooked(builtinExecutor);
  const model = research ? hooked(research) : null;
  return {
    default: env.PRSM_WORKFLOW_EXECUTOR,
    builtin,
    research,
    of: (name) => {
      if (name === 'builtin') return builtin;
      if (!model || research?.provider !== name) throw new Error(`executor ${name} is not configured here`);
      return model;
    },
  };
}
