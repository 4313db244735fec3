import * as z from 'zod';
import type { Clock } from '#platform/clock.js';
import { logger } from '#platform/logger.js';
import type { Table } from '#platform/table.js';
import { secretApiKey } from '../models/api-key.js';
import { type ModelSettings, readModelSettings } from '../models/config.js';
import { builtinExecutor } from './builtin.js';
import { circuitBreaker, dynamoBreakerStore } from './circuit-breaker.js';
import type { PhaseExecutor } from './executor.js';
import { modelExecutor } from './model.js';
import { withTestHooks } from './test-hooks.js';

/**
 * Which executor runs the phases, from the environment (read once, failing fast):
 * `PRSM_WORKFLOW_EXECUTOR=builtin` (default) or `openai`, the adapter for an OpenAI-compatible
 * endpoint, whose settings (`PRSM_MODEL_BASE_URL`, `PRSM_MODEL_NAME`, `PRSM_MODEL_API_KEY` or
 * `PRSM_MODEL_API_KEY_SECRET`, `PRSM_MODEL_TIMEOUT_MS`) are the model settings'
 * (`../models/config.ts`, one schema for every PRSM_MODEL_* variable).
 */
const executorEnvSchema = z.object({
  PRSM_WORKFLOW_EXECUTOR: z.enum(['builtin', 'openai']).default('builtin'),
  PRSM_WORKFLOW_TEST_HOOKS: z.enum(['0', '1']).default('0'),
});

export type ExecutorEnv = z.infer<typeof executorEnvSchema> & { models: ModelSettings | null };

export function readExecutorEnv(env: Record<string, string | undefined> = process.env): ExecutorEnv {
  const parsed = executorEnvSchema.parse(env);
  if (parsed.PRSM_WORKFLOW_EXECUTOR === 'builtin') return { ...parsed, models: null };
  const models = readModelSettings({ ...env, PRSM_MODEL_PROVIDER: env.PRSM_MODEL_PROVIDER ?? 'openai' });
  if (models.provider !== 'openai') {
    throw new Error(
      'PRSM_WORKFLOW_EXECUTOR=openai asks an OpenAI-compatible endpoint: PRSM_MODEL_PROVIDER must be openai',
    );
  }
  return { ...parsed, models };
}

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
    const models = env.models!;
    const openai = models.openai!;
    executor = modelExecutor(
      builtinExecutor,
      {
        baseUrl: openai.baseUrl,
        // One model for every phase: the student's (PRSM_MODEL_NAME when set, as before the roles).
        model: models.roles.student,
        apiKey: openai.apiKeySecret ? secretApiKey(openai.apiKeySecret) : openai.apiKey,
        timeoutMs: models.timeoutMs,
      },
      breaker,
    );
  }
  return env.PRSM_WORKFLOW_TEST_HOOKS === '1' ? withTestHooks(executor) : executor;
}
