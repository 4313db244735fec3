import * as z from 'zod';
import type { Clock } from '#platform/clock.js';
import { logger } from '#platform/logger.js';
import type { Table } from '#platform/table.js';
import { builtinExecutor } from './builtin.js';
import { circuitBreaker, dynamoBreakerStore } from './circuit-breaker.js';
import type { PhaseExecutor } from './executor.js';
import { modelExecutor } from './model.js';
import { withTestHooks } from './test-hooks.js';

/**
 * Which executor runs the phases, from the environment (read once, failing fast):
 * `PRSM_WORKFLOW_EXECUTOR=builtin` (default) or `openai` with `PRSM_MODEL_BASE_URL` (an
 * OpenAI-compatible API root, e.g. https://api.openai.com/v1), `PRSM_MODEL_NAME`,
 * `PRSM_MODEL_API_KEY` and `PRSM_MODEL_TIMEOUT_MS`.
 */
const executorEnvSchema = z
  .object({
    PRSM_WORKFLOW_EXECUTOR: z.enum(['builtin', 'openai']).default('builtin'),
    PRSM_MODEL_BASE_URL: z.url().optional(),
    PRSM_MODEL_NAME: z.string().min(1).default('gpt-4o-mini'),
    PRSM_MODEL_API_KEY: z.string().min(1).optional(),
    PRSM_MODEL_TIMEOUT_MS: z.coerce.number().int().positive().default(20_000),
    PRSM_WORKFLOW_TEST_HOOKS: z.enum(['0', '1']).default('0'),
  })
  .refine((env) => env.PRSM_WORKFLOW_EXECUTOR !== 'openai' || env.PRSM_MODEL_BASE_URL, {
    message: 'PRSM_WORKFLOW_EXECUTOR=openai needs PRSM_MODEL_BASE_URL',
    path: ['PRSM_MODEL_BASE_URL'],
  });

export type ExecutorEnv = z.infer<typeof executorEnvSchema>;

export const readExecutorEnv = (env: Record<string, string | undefined> = process.env): ExecutorEnv =>
  executorEnvSchema.parse(env);

/** The breaker's item name: one breaker per model endpoint and model. */
export const MODEL_CIRCUIT = 'model';

export function selectExecutor(env: ExecutorEnv, deps: { table: Table; clock: Clock }): PhaseExecutor {
  let executor: PhaseExecutor = builtinExecutor;
  if (env.PRSM_WORKFLOW_EXECUTOR === 'openai') {
    const breaker = circuitBreaker({
      name: MODEL_CIRCUIT,
      store: dynamoBreakerStore(deps.table),
      clock: deps.clock,
      onStoreError: (error) => logger.warn('circuit breaker state not recorded', { error: String(error) }),
    });
    executor = modelExecutor(
      builtinExecutor,
      {
        baseUrl: env.PRSM_MODEL_BASE_URL!,
        model: env.PRSM_MODEL_NAME,
        apiKey: env.PRSM_MODEL_API_KEY,
        timeoutMs: env.PRSM_MODEL_TIMEOUT_MS,
      },
      breaker,
    );
  }
  return env.PRSM_WORKFLOW_TEST_HOOKS === '1' ? withTestHooks(executor) : executor;
}
