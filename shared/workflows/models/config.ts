import * as z from 'zod';
import type { BedrockStructuredOutput } from './bedrock.js';
import type { ProviderId } from './types.js';

/**
 * Which models the phases ask, from the environment (one schema, read once, failing fast).
 *
 * Two roles, the distillation idea: a strong `teacher` and a small, cheap `student`. Each
 * generative phase has a default role; `PRSM_MODEL_PHASE_<PHASE>` overrides it with the other
 * role or a model id of its own.
 */
export type ModelRole = 'teacher' | 'student';

export const DEFAULT_MODELS: Record<ProviderId, Record<ModelRole, string>> = {
  // Claude Sonnet 4 is offered through cross-region inference profiles only; Nova Micro on demand.
  bedrock: { teacher: 'us.anthropic.claude-sonnet-4-20250514-v1:0', student: 'amazon.nova-micro-v1:0' },
  openai: { teacher: 'gpt-4o', student: 'gpt-4o-mini' },
};

/** The generative phases and the role each asks by default; security and settlement ask none. */
export const PHASE_ROLES: Readonly<Record<string, ModelRole>> = {
  teacher: 'teacher',
  prompter: 'student',
  codegen: 'teacher',
  student: 'student',
  multi_agent: 'student',
};

const phaseVariable = (phaseId: string) => `PRSM_MODEL_PHASE_${phaseId.toUpperCase()}`;

const modelId = z.string().trim().min(1).max(2048);

const modelEnvSchema = z
  .object({
    PRSM_MODEL_PROVIDER: z.enum(['bedrock', 'openai']).default('openai'),
    PRSM_MODEL_TEACHER: modelId.optional(),
    PRSM_MODEL_STUDENT: modelId.optional(),
    /** One model for both roles (the setting from before the roles). */
    PRSM_MODEL_NAME: modelId.optional(),
    PRSM_MODEL_TIMEOUT_MS: z.coerce.number().int().positive().max(600_000).default(20_000),
    PRSM_MODEL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
    PRSM_MODEL_BASE_URL: z.url().optional(),
    PRSM_MODEL_API_KEY: z.string().min(1).optional(),
    /** Secret ARN or name whose string is the key (or JSON with `apiKey`). */
    PRSM_MODEL_API_KEY_SECRET: z.string().min(1).optional(),
    /** Bedrock's region when it is not the function's own. */
    PRSM_MODEL_REGION: z.string().min(1).optional(),
    PRSM_MODEL_BEDROCK_OUTPUT: z.enum(['tool', 'output_config']).default('tool'),
    ...Object.fromEntries(Object.keys(PHASE_ROLES).map((id) => [phaseVariable(id), modelId.optional()])),
  })
  .superRefine((env, context) => {
    const issue = (path: string, message: string) =>
      context.addIssue({ code: 'custom', path: [path], message });
    if (env.PRSM_MODEL_PROVIDER === 'openai' && !env.PRSM_MODEL_BASE_URL) {
      issue(
        'PRSM_MODEL_BASE_URL',
        'the openai provider needs PRSM_MODEL_BASE_URL (an OpenAI-compatible API root)',
      );
    }
    if (env.PRSM_MODEL_API_KEY && env.PRSM_MODEL_API_KEY_SECRET) {
      issue('PRSM_MODEL_API_KEY_SECRET', 'set PRSM_MODEL_API_KEY or PRSM_MODEL_API_KEY_SECRET, not both');
    }
  });

export interface PhaseModel {
  /** Null when the phase names a model id of its own. */
  role: ModelRole | null;
  model: string;
}

export interface ModelSettings {
  provider: ProviderId;
  roles: Record<ModelRole, string>;
  /** Generative phase id -> the model it asks. */
  phases: Record<string, PhaseModel>;
  timeoutMs: number;
  maxAttempts: number;
  openai: { baseUrl: string; apiKey?: string; apiKeySecret?: string } | null;
  bedrock: { region?: string; structuredOutput: BedrockStructuredOutput };
}

/** Validates the environment; throws with every problem at once. */
export function readModelSettings(env: Record<string, string | undefined> = process.env): ModelSettings {
  const parsed = modelEnvSchema.parse(env) as z.infer<typeof modelEnvSchema> &
    Record<string, string | undefined>;
  const provider = parsed.PRSM_MODEL_PROVIDER;
  const roles = {
    teacher: parsed.PRSM_MODEL_TEACHER ?? parsed.PRSM_MODEL_NAME ?? DEFAULT_MODELS[provider].teacher,
    student: parsed.PRSM_MODEL_STUDENT ?? parsed.PRSM_MODEL_NAME ?? DEFAULT_MODELS[provider].student,
  };
  const phases: Record<string, PhaseModel> = {};
  for (const [phaseId, defaultRole] of Object.entries(PHASE_ROLES)) {
    const override = parsed[phaseVariable(phaseId)];
    const role =
      override === undefined
        ? defaultRole
        : override === 'teacher' || override === 'student'
          ? override
          : null;
    phases[phaseId] = { role, model: role ? roles[role] : override! };
  }
  return {
    provider,
    roles,
    phases,
    timeoutMs: parsed.PRSM_MODEL_TIMEOUT_MS,
    maxAttempts: parsed.PRSM_MODEL_MAX_ATTEMPTS,
    openai:
      provider === 'openai'
        ? {
            baseUrl: parsed.PRSM_MODEL_BASE_URL!,
            ...(parsed.PRSM_MODEL_API_KEY ? { apiKey: parsed.PRSM_MODEL_API_KEY } : {}),
            ...(parsed.PRSM_MODEL_API_KEY_SECRET ? { apiKeySecret: parsed.PRSM_MODEL_API_KEY_SECRET } : {}),
          }
        : null,
    bedrock: {
      ...(parsed.PRSM_MODEL_REGION ? { region: parsed.PRSM_MODEL_REGION } : {}),
      structuredOutput: parsed.PRSM_MODEL_BEDROCK_OUTPUT,
    },
  };
}

/** Every model id the settings may ask (the grants on AWS cover exactly these). */
export const modelsInUse = (settings: ModelSettings): string[] =>
  [
    ...new Set([
      settings.roles.teacher,
      settings.roles.student,
      ...Object.values(settings.phases).map((p) => p.model),
    ]),
  ].sort();

export function modelForPhase(settings: ModelSettings, phaseId: string): PhaseModel | null {
  return settings.phases[phaseId] ?? null;
}
