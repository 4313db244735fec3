import * as z from 'zod';
import { defineRoute } from '#platform/http/route.js';
import { amountSchema } from '#platform/money.js';
import { pageQuerySchema, pageSchema } from '#platform/pagination.js';
import { categorySlug, ftns, idOf, keyedRecord, text, timestamp } from '#platform/schemas.js';
import { MAX_ORDER_LINES } from '#shared/marketplace/catalogue.js';

const budgetId = idOf('bud');
const slug = categorySlug;
const percent = z.number().int().min(1).max(100);
const utilisation = z.string().meta({ description: 'A percentage with one decimal, e.g. "50.7"' });
const budgetParams = z.object({ budgetId });

const categoryInput = z.strictObject({
  allocation: amountSchema,
  enforcement: z.enum(['soft', 'hard']).optional(),
});
const categoriesInput = keyedRecord(slug, categoryInput).refine(
  (c) => Object.keys(c).length <= 50,
  'at most 50 categories',
);
const thresholdsInput = z
  .array(percent)
  .min(1)
  .max(10)
  .refine((t) => new Set(t).size === t.length, 'must not repeat a threshold');
const autoExpandInput = z.strictObject({ enabled: z.boolean(), maxExpansion: amountSchema });

export const budgetSchema = z
  .object({
    id: z.string(),
    ownerId: z.string(),
    name: z.string(),
    status: z.enum(['active', 'suspended', 'closed']),
    period: z.enum(['none', 'monthly']),
    periodKey: z.string(),
    total: ftns,
    limit: ftns,
    spent: ftns,
    reserved: ftns,
    remaining: ftns,
    utilisation,
    categories: z.record(
      z.string(),
      z.object({
        allocation: ftns.nullable(),
        enforcement: z.enum(['soft', 'hard']).nullable(),
        spent: ftns,
        utilisation: utilisation.nullable(),
      }),
    ),
    members: z.array(
      z.object({
        userId: z.string(),
        cap: ftns.nullable(),
        spent: ftns,
        utilisation: utilisation.nullable(),
      }),
    ),
    autoExpand: z.object({ enabled: z.boolean(), maxExpansion: ftns }),
    alertThresholds: z.array(z.number()),
    suspendAtPercent: z.number().nullable(),
    createdAt: timestamp,
  })
  .meta({ id: 'Budget' });

export const chargeSchema = z
  .object({
    id: z.string(),
    budgetId: z.string(),
    memberId: z.string(),
    category: z.string(),
    amount: ftns,
    description: z.string().optional(),
    source: z.enum(['charge', 'order', 'workflow', 'refund', 'hold']),
    reference: z.string().optional(),
    createdAt: timestamp,
  })
  .meta({ id: 'BudgetCharge' });

export const alertSchema = z
  .object({
    kind: z.enum(['threshold', 'expansion', 'suspended']),
    periodKey: z.string(),
    threshold: z.number().nullable(),
    severity: z.enum(['warning', 'critical', 'emergency']).nullable(),
    spent: ftns,
    limit: ftns,
    utilisation,
    previousLimit: ftns.nullable(),
    createdAt: timestamp,
  })
  .meta({ id: 'BudgetAlert' });

export const expansionSchema = z
  .object({
    id: z.string(),
    budgetId: z.string(),
    requestedBy: z.string(),
    amount: ftns,
    reason: z.string(),
    status: z.enum(['pending', 'approved', 'denied', 'expired']),
    expiresAt: timestamp,
    createdAt: timestamp,
    decidedBy: z.string().optional(),
    decidedAt: timestamp.optional(),
  })
  .meta({ id: 'ExpansionRequest' });

const tags = ['budgets'];

export const createBudgetRoute = defineRoute({
  method: 'POST',
  path: '/v1/budgets',
  operationId: 'createBudget',
  access: 'user',
  summary: 'Create a budget owned by the caller',
  tags,
  idempotencyKey: 'optional',
  body: z.strictObject({
    name: text(100).min(1),
    total: amountSchema,
    categories: categoriesInput.optional(),
    alertThresholds: thresholdsInput.optional(),
    autoExpand: autoExpandInput.optional(),
    members: z
      .array(z.strictObject({ userId: idOf('usr'), cap: amountSchema.optional() }))
      .max(49)
      .optional(),
    period: z.enum(['none', 'monthly']).optional(),
    suspendAtPercent: percent.optional(),
  }),
  errors: { 422: ['unknown_account'] },
  responses: { 201: { description: 'The budget', schema: budgetSchema, location: '/v1/budgets/{id}' } },
});

export const listBudgetsRoute = defineRoute({
  method: 'GET',
  path: '/v1/budgets',
  operationId: 'listBudgets',
  access: 'user',
  summary: 'The budgets the caller owns or belongs to, by id',
  tags,
  query: pageQuerySchema,
  responses: { 200: { description: 'Budgets', schema: pageSchema(budgetSchema) } },
});

export const getBudgetRoute = defineRoute({
  method: 'GET',
  path: '/v1/budgets/{budgetId}',
  operationId: 'getBudget',
  access: 'user',
  summary: 'A budget (members and admins)',
  tags,
  params: budgetParams,
  responses: { 200: { description: 'The budget', schema: budgetSchema } },
});

export const updateBudgetRoute = defineRoute({
  method: 'PATCH',
  path: '/v1/budgets/{budgetId}',
  operationId: 'updateBudget',
  access: 'user',
  summary: 'Change a budget (owner); `status: active` resumes a suspended one',
  tags,
  params: budgetParams,
  body: z.strictObject({
    name: text(100).min(1).optional(),
    total: amountSchema.optional(),
    categories: categoriesInput.optional(),
    alertThresholds: thresholdsInput.optional(),
    autoExpand: autoExpandInput.optional(),
    suspendAtPercent: percent.nullable().optional(),
    status: z.literal('active').optional(),
  }),
  errors: { 403: ['forbidden'], 409: ['budget_closed'] },
  responses: { 200: { description: 'The budget', schema: budgetSchema } },
});

export const closeBudgetRoute = defineRoute({
  method: 'DELETE',
  path: '/v1/budgets/{budgetId}',
  operationId: 'closeBudget',
  access: 'user',
  summary: 'Close a budget (owner): no further charges',
  tags,
  params: budgetParams,
  errors: { 403: ['forbidden'], 409: ['budget_closed', 'budget_in_use'] },
  responses: { 200: { description: 'The closed budget', schema: budgetSchema } },
});

export const chargeRoute = defineRoute({
  method: 'POST',
  path: '/v1/budgets/{budgetId}/charges',
  operationId: 'chargeBudget',
  access: 'user',
  summary: "Charge the caller's balance against the budget (members)",
  tags,
  idempotencyKey: 'required',
  params: budgetParams,
  body: z.strictObject({ amount: amountSchema, category: slug, description: text(500).optional() }),
  errors: { 402: ['budget_exceeded', 'insufficient_funds'], 409: ['budget_closed', 'budget_suspended'] },
  responses: { 201: { description: 'The charge', schema: chargeSchema } },
});

export const listChargesRoute = defineRoute({
  method: 'GET',
  path: '/v1/budgets/{budgetId}/charges',
  operationId: 'listCharges',
  access: 'user',
  summary: "The budget's charges, newest first (members)",
  tags,
  params: budgetParams,
  query: pageQuerySchema,
  responses: { 200: { description: 'A page of charges', schema: pageSchema(chargeSchema) } },
});

export const putMemberRoute = defineRoute({
  method: 'PUT',
  path: '/v1/budgets/{budgetId}/members/{userId}',
  operationId: 'setMember',
  access: 'user',
  summary: 'Add a member or change their cap (owner)',
  tags,
  params: z.object({ budgetId, userId: idOf('usr') }),
  body: z.strictObject({ cap: amountSchema.nullable().optional() }),
  errors: { 403: ['forbidden'], 409: ['budget_closed'], 422: ['unknown_account'] },
  responses: { 200: { description: 'The budget', schema: budgetSchema } },
});

export const removeMemberRoute = defineRoute({
  method: 'DELETE',
  path: '/v1/budgets/{budgetId}/members/{userId}',
  operationId: 'removeMember',
  access: 'user',
  summary: 'Remove a member (owner)',
  tags,
  params: z.object({ budgetId, userId: idOf('usr') }),
  errors: { 403: ['forbidden'], 409: ['budget_closed'] },
  responses: { 200: { description: 'The budget', schema: budgetSchema } },
});

export const listAlertsRoute = defineRoute({
  method: 'GET',
  path: '/v1/budgets/{budgetId}/alerts',
  operationId: 'listAlerts',
  access: 'user',
  summary: 'Threshold alerts, suspensions and expansions (members), by period, then kind and threshold',
  tags,
  params: budgetParams,
  query: pageQuerySchema,
  responses: { 200: { description: 'Alerts', schema: pageSchema(alertSchema) } },
});

export const requestExpansionRoute = defineRoute({
  method: 'POST',
  path: '/v1/budgets/{budgetId}/expansions',
  operationId: 'requestExpansion',
  access: 'user',
  summary: 'Ask for a larger limit (members); lapses after 30 minutes',
  tags,
  idempotencyKey: 'optional',
  params: budgetParams,
  body: z.strictObject({ amount: amountSchema, reason: text(500).min(1) }),
  errors: { 403: ['forbidden'] },
  responses: { 201: { description: 'The request', schema: expansionSchema } },
});

export const listExpansionsRoute = defineRoute({
  method: 'GET',
  path: '/v1/budgets/{budgetId}/expansions',
  operationId: 'listExpansions',
  access: 'user',
  summary: 'Expansion requests (members), oldest first',
  tags,
  params: budgetParams,
  query: pageQuerySchema,
  responses: { 200: { description: 'Requests', schema: pageSchema(expansionSchema) } },
});

const decisionParams = z.object({ budgetId, expansionId: idOf('exp') });

export const approveExpansionRoute = defineRoute({
  method: 'POST',
  path: '/v1/budgets/{budgetId}/expansions/{expansionId}/approve',
  operationId: 'approveExpansion',
  access: 'user',
  summary: 'Approve a request: the limit rises by its amount (owner or admin)',
  tags,
  params: decisionParams,
  errors: { 403: ['forbidden'], 409: ['budget_closed', 'expansion_not_pending'] },
  responses: { 200: { description: 'The decided request', schema: expansionSchema } },
});

export const denyExpansionRoute = defineRoute({
  method: 'POST',
  path: '/v1/budgets/{budgetId}/expansions/{expansionId}/deny',
  operationId: 'denyExpansion',
  access: 'user',
  summary: 'Deny a request (owner or admin)',
  tags,
  params: decisionParams,
  errors: { 403: ['forbidden'], 409: ['budget_closed', 'expansion_not_pending'] },
  responses: { 200: { description: 'The decided request', schema: expansionSchema } },
});

export const estimateSchema = z
  .object({
    budgetId: z.string(),
    total: ftns,
    categories: z.record(
      z.string(),
      z.object({
        estimate: ftns,
        correctionFactor: z
          .string()
          .meta({ description: 'actual / estimated from history, e.g. "1.000000"' }),
        samples: z.number().int(),
        allocation: ftns.nullable(),
        room: ftns.nullable(),
        covered: z.boolean(),
      }),
    ),
    budgetRemaining: ftns,
    expansionAvailable: ftns,
    available: ftns,
    covered: z.object({
      budget: z.boolean(),
      categories: z.boolean(),
      balance: z.boolean(),
      all: z.boolean(),
    }),
  })
  .meta({ id: 'Estimate' });

export const estimateRoute = defineRoute({
  method: 'POST',
  path: '/v1/estimates',
  operationId: 'estimateCost',
  access: 'user',
  summary:
    'The predicted cost of a workflow and/or a basket of listings per category, and whether the budget and balance cover it',
  tags,
  body: z
    .strictObject({
      budgetId,
      workflow: z.boolean().default(false).meta({ description: 'Estimate a research workflow' }),
      executor: z.enum(['builtin', 'openai', 'bedrock', 'network']).default('builtin').meta({
        description:
          "The workflow's executor: on a model provider the estimate is the sum of the phases' holds (their worst case), not corrected by history",
      }),
      items: z
        .array(z.strictObject({ listingId: idOf('lst') }))
        .min(1)
        .max(MAX_ORDER_LINES)
        .optional()
        .meta({ description: 'Estimate buying these listings, as POST /v1/orders would charge them' }),
      category: slug
        .default('marketplace_trading')
        .meta({ description: 'The category the items would be charged to' }),
    })
    .refine((body) => body.workflow || body.items, {
      message: 'say what to estimate: workflow: true, items, or both',
      path: ['workflow'],
    })
    .superRefine((body, ctx) => {
      const seen = new Set<string>();
      body.items?.forEach((item, i) => {
        if (seen.has(item.listingId))
          ctx.addIssue({ code: 'custom', path: ['items', i, 'listingId'], message: 'appears twice' });
        seen.add(item.listingId);
      });
    }),
  errors: {
    404: ['not_found'],
    409: ['listing_unavailable'],
    422: ['unknown_listing', 'own_listing', 'executor_unavailable', 'model_unpriced'],
  },
  responses: { 200: { description: 'The estimate', schema: estimateSchema } },
});

export const spendBucketSchema = z
  .object({
    start: timestamp.meta({ description: "The bucket's first instant (UTC day or hour)" }),
    amount: ftns.meta({ description: 'Charges minus refunds in the bucket, exact' }),
    charges: z.number().int().meta({ description: 'Charge records in the bucket (refunds count)' }),
  })
  .meta({ id: 'SpendBucket' });

export const budgetSpendRoute = defineRoute({
  method: 'GET',
  path: '/v1/budgets/{budgetId}/spend',
  operationId: 'getBudgetSpend',
  access: 'user',
  summary:
    "The budget's spend per UTC day or hour, oldest first (members and admins); buckets without charges are left out",
  tags,
  params: budgetParams,
  query: pageQuerySchema.extend({ interval: z.enum(['day', 'hour']).default('day') }),
  responses: { 200: { description: 'A page of spend buckets', schema: pageSchema(spendBucketSchema) } },
});

export const budgetRoutes = [
  createBudgetRoute,
  listBudgetsRoute,
  getBudgetRoute,
  updateBudgetRoute,
  closeBudgetRoute,
  chargeRoute,
  listChargesRoute,
  putMemberRoute,
  removeMemberRoute,
  listAlertsRoute,
  requestExpansionRoute,
  listExpansionsRoute,
  approveExpansionRoute,
  denyExpansionRoute,
  estimateRoute,
  budgetSpendRoute,
];
