import * as z from 'zod';
import { defineRoute } from '#platform/http/route.js';
import { amountSchema } from '#platform/money.js';
import { pageQuerySchema, pageSchema } from '#platform/pagination.js';
import { ftns, idOf, keyedRecord, text, timestamp } from '#platform/schemas.js';
import { MAX_WORKFLOW_LISTINGS } from '#shared/workflows/listings.js';
import { MAX_PROMPT_CHARS } from '#shared/workflows/safety.js';

const workflowId = idOf('wf');
const workflowParams = z.object({ workflowId });
const tags = ['workflows'];

const workflowStatus = z.enum(['queued', 'running', 'completed', 'failed', 'cancelled']);

const artifactSchema = z
  .object({
    key: z.string(),
    sha256: z.string(),
    bytes: z.number().int(),
    url: z.url().meta({ description: 'A presigned GET link, valid until expiresAt' }),
    expiresAt: timestamp,
  })
  .meta({ id: 'WorkflowArtifact' });

const phaseSchema = z
  .object({
    number: z.number().int(),
    id: z.string(),
    name: z.string(),
    category: z.string(),
    status: z.enum(['pending', 'queued', 'running', 'completed', 'failed', 'skipped']),
    estimate: ftns,
    cost: ftns.nullable(),
    extraCharge: ftns.nullable(),
    components: z.array(z.object({ name: z.string(), price: ftns })),
    startedAt: timestamp.nullable(),
    finishedAt: timestamp.nullable(),
    durationMs: z.number().nullable(),
    executorMs: z.number().nullable(),
    attempts: z.number().int(),
    executor: z.string().nullable(),
    summary: z.string().nullable(),
    artifact: artifactSchema.nullable(),
    usage: z
      .array(
        z.object({
          step: z.string(),
          model: z.string(),
          inputTokens: z.number().int(),
          outputTokens: z.number().int(),
        }),
      )
      .nullable()
      .meta({
        description:
          "A model phase's exchanges with the tokens each used: its cost is ceil(sum of tokens x the model's prices per million / 1e6) micro-FTNS",
      }),
    error: z.string().nullable(),
  })
  .meta({ id: 'WorkflowPhase' });

const executorSchema = z.enum(['builtin', 'openai', 'bedrock', 'network']).meta({
  description:
    '`builtin`: a deterministic demonstration (no model, not research); `openai` or `bedrock`: the model phases on that provider; `network`: each phase leased to a staked provider node (docs/network.md)',
});

const auditEntrySchema = z.object({
  phase: z.string(),
  sha256: z.string(),
  score: z.number(),
  passed: z.boolean(),
  link: z.string(),
});

export const workflowSchema = z
  .object({
    id: z.string(),
    ownerId: z.string(),
    budgetId: z.string(),
    status: workflowStatus,
    prompt: z.string(),
    preferences: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    executor: executorSchema,
    estimate: ftns,
    maxCost: ftns.nullable(),
    totalCost: ftns,
    cancelRequested: z.boolean(),
    createdAt: timestamp,
    startedAt: timestamp.nullable(),
    finishedAt: timestamp.nullable(),
    settledAt: timestamp
      .nullable()
      .meta({ description: 'When every hold was resolved (captured or released)' }),
    updatedAt: timestamp,
    safety: z.object({
      score: z.number(),
      threshold: z.number(),
      matches: z.object({ dangerous: z.number(), privacy: z.number(), bias: z.number() }),
    }),
    currentPhase: z.string().nullable(),
    phases: z.array(phaseSchema),
    failure: z.object({ code: z.string(), message: z.string(), phase: z.string().nullable() }).nullable(),
    audit: z
      .object({
        head: z.string(),
        entries: z.array(auditEntrySchema),
        verified: z.boolean().nullable(),
        passed: z.boolean(),
      })
      .nullable(),
    response: z
      .object({
        executor: z
          .string()
          .meta({ description: '`builtin-demo` (a demonstration, not research) or the provider' }),
        responseText: z
          .string()
          .meta({ description: "The summary of the phases, or a model workflow's report" }),
        totalCost: ftns,
        executionTimeMs: z.number(),
        componentsUsed: z.array(z.string()),
        safetyValidated: z.boolean(),
      })
      .nullable(),
    links: z.object({ self: z.string(), cancel: z.string(), audit: z.string() }),
  })
  .meta({ id: 'Workflow' });

export const workflowSummarySchema = z
  .object({
    id: z.string(),
    budgetId: z.string(),
    status: workflowStatus,
    estimate: ftns,
    totalCost: ftns,
    currentPhase: z.string().nullable(),
    createdAt: timestamp,
    finishedAt: timestamp.nullable(),
    links: z.object({ self: z.string() }),
  })
  .meta({ id: 'WorkflowSummary' });

export const submittedSchema = z
  .object({
    id: z.string(),
    status: workflowStatus,
    estimate: ftns,
    links: z.object({ self: z.string(), cancel: z.string() }),
  })
  .meta({ id: 'WorkflowSubmitted' });

export const submitWorkflowRoute = defineRoute({
  method: 'POST',
  path: '/v1/workflows',
  operationId: 'submitWorkflow',
  access: 'user',
  summary: 'Submit a research query: estimate it, hold the estimate and reserve it on the budget, run it',
  tags,
  idempotencyKey: 'required',
  body: z.strictObject({
    // Limits are checked by the safety screen, which answers with a specific code for each.
    prompt: z.string().meta({
      description: `1 to ${MAX_PROMPT_CHARS} characters, no control characters, passing the safety screen`,
    }),
    preferences: keyedRecord(
      z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'must be a name'),
      z.union([text(500), z.number(), z.boolean()]),
    )
      .refine((p) => Object.keys(p).length <= 20, 'at most 20 preferences')
      .optional(),
    budgetId: idOf('bud'),
    maxCost: amountSchema.optional().meta({ description: 'Refuse (422) when the estimate is above this' }),
    executor: executorSchema.optional().meta({
      description:
        "Who does the work; default the deployment's (PRSM_WORKFLOW_EXECUTOR, `builtin` unless set)",
    }),
    listings: z
      .array(idOf('lst'))
      .max(MAX_WORKFLOW_LISTINGS)
      .refine((ids) => new Set(ids).size === ids.length, 'each listing at most once')
      .optional()
      .meta({
        description:
          "Marketplace listings for the teacher's context (knowledge resources, datasets with a sample, agent " +
          'workflows): ones the caller is entitled to, or pay-per-use ones, bought once by the workflow on its budget',
      }),
  }),
  errors: {
    402: ['budget_exceeded', 'insufficient_funds'],
    404: ['not_found'],
    409: ['budget_closed', 'budget_suspended'],
    422: [
      'executor_unavailable',
      'listing_not_context',
      'listing_not_entitled',
      'max_cost_exceeded',
      'model_unpriced',
      'prompt_control_characters',
      'prompt_empty',
      'prompt_too_long',
      'prompt_unsafe',
    ],
  },
  responses: {
    202: {
      description: 'Accepted: the workflow runs; follow links.self',
      schema: submittedSchema,
      location: '/v1/workflows/{id}',
    },
  },
});

export const listWorkflowsRoute = defineRoute({
  method: 'GET',
  path: '/v1/workflows',
  operationId: 'listWorkflows',
  access: 'user',
  summary: "The caller's workflows, newest first (admins: any user's with userId)",
  tags,
  query: pageQuerySchema.extend({ userId: idOf('usr').optional() }),
  errors: { 403: ['forbidden'] },
  responses: { 200: { description: 'A page of workflows', schema: pageSchema(workflowSummarySchema) } },
});

export const getWorkflowRoute = defineRoute({
  method: 'GET',
  path: '/v1/workflows/{workflowId}',
  operationId: 'getWorkflow',
  access: 'user',
  summary:
    'A workflow: phases with costs, components, timings and artifact links; the response (owner, admins)',
  tags,
  params: workflowParams,
  responses: { 200: { description: 'The workflow', schema: workflowSchema } },
});

export const cancelWorkflowRoute = defineRoute({
  method: 'POST',
  path: '/v1/workflows/{workflowId}/cancel',
  operationId: 'cancelWorkflow',
  access: 'user',
  summary: 'Stop after the running phase; the rest of the holds and the reservation are released',
  tags,
  params: workflowParams,
  errors: { 409: ['workflow_finished'] },
  responses: { 202: { description: 'Cancelling (or cancelled)', schema: workflowSchema } },
});

export const artifactRoute = defineRoute({
  method: 'GET',
  path: '/v1/workflows/{workflowId}/artifacts/{phase}',
  operationId: 'getWorkflowArtifact',
  access: 'user',
  summary: "A short-lived link to a phase's artifact in S3 (phase id or number)",
  tags,
  params: z.object({
    workflowId,
    phase: z.string().regex(/^[a-z_]{1,32}$|^[1-7]$/, 'must be a phase id or number'),
  }),
  responses: {
    200: {
      description: 'The link',
      schema: z.object({
        phase: z.string(),
        key: z.string(),
        sha256: z.string(),
        bytes: z.number(),
        url: z.url(),
        expiresAt: timestamp,
      }),
    },
  },
});

export const verificationSchema = z
  .object({
    workflowId: z.string(),
    state: z.enum(['none', 'started', 'complete']),
    genesis: z.string().nullable(),
    head: z.string().nullable(),
    entries: z.array(auditEntrySchema.extend({ actualSha256: z.string().nullable(), intact: z.boolean() })),
    linksIntact: z.boolean(),
    artifactsIntact: z.boolean(),
    firstBrokenPhase: z.string().nullable(),
    passed: z.boolean(),
    verified: z.boolean(),
    checkedAt: timestamp,
  })
  .meta({ id: 'WorkflowAuditVerification' });

export const auditRoute = defineRoute({
  method: 'GET',
  path: '/v1/workflows/{workflowId}/audit',
  operationId: 'verifyWorkflowAudit',
  access: 'user',
  summary: 'Verify the audit trail now: re-read the artifacts from S3 and recompute the hash chain',
  tags,
  params: workflowParams,
  responses: { 200: { description: 'The verification', schema: verificationSchema } },
});

const phrases = z.array(text(100).min(1)).max(200);

export const safetyPolicySchema = z
  .object({
    threshold: z.number(),
    phrases: z.object({
      dangerous: z.array(z.string()),
      privacy: z.array(z.string()),
      bias: z.array(z.string()),
    }),
    penalties: z.object({ dangerous: z.number(), privacy: z.number(), bias: z.number() }),
    updatedAt: timestamp.nullable(),
    updatedBy: z.string().nullable(),
  })
  .meta({ id: 'SafetyPolicy' });

export const getSafetyPolicyRoute = defineRoute({
  method: 'GET',
  path: '/v1/safety/policy',
  operationId: 'getSafetyPolicy',
  access: 'admin',
  summary: 'The safety screen: phrase lists and the threshold',
  tags: ['safety'],
  responses: { 200: { description: 'The policy', schema: safetyPolicySchema } },
});

export const setSafetyPolicyRoute = defineRoute({
  method: 'PUT',
  path: '/v1/safety/policy',
  operationId: 'setSafetyPolicy',
  access: 'admin',
  summary: 'Change the threshold or replace phrase lists (the lists given replace the stored ones)',
  tags: ['safety'],
  body: z.strictObject({
    threshold: z
      .number()
      .min(0)
      .max(1)
      .refine((v) => Math.abs(v * 100 - Math.round(v * 100)) < 1e-9, 'at most two decimals')
      .optional(),
    phrases: z
      .strictObject({ dangerous: phrases.optional(), privacy: phrases.optional(), bias: phrases.optional() })
      .optional(),
  }),
  responses: { 200: { description: 'The policy', schema: safetyPolicySchema } },
});

export const workflowRoutes = [
  submitWorkflowRoute,
  listWorkflowsRoute,
  getWorkflowRoute,
  cancelWorkflowRoute,
  artifactRoute,
  auditRoute,
  getSafetyPolicyRoute,
  setSafetyPolicyRoute,
];
