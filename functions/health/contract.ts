import * as z from 'zod';
import { defineRoute } from '#platform/http/route.js';
import { pageQuerySchema, pageSchema } from '#platform/pagination.js';
import { timestamp } from '#platform/schemas.js';

export const healthVerdictSchema = z
  .object({
    status: z.enum(['ok', 'degraded', 'down', 'unknown']),
    score: z.number().nullable(),
    checkedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'HealthVerdict' });

export const checkResultSchema = z
  .object({
    name: z.string(),
    status: z.enum(['healthy', 'degraded', 'down']).meta({ description: 'A degraded check counts half' }),
    latencyMs: z.number().int(),
    detail: z.string(),
    moneyInvariantBroken: z
      .boolean()
      .optional()
      .meta({ description: 'A money invariant is broken: the sweep scores 0, band critical' }),
  })
  .meta({ id: 'HealthCheck' });

export const healthReportSchema = z
  .object({
    id: z.string(),
    checkedAt: timestamp,
    status: z.enum(['ok', 'degraded', 'down']),
    score: z.number().meta({ description: 'Mean of the three groups’ percentages, one decimal' }),
    band: z
      .enum(['excellent', 'good', 'fair', 'poor', 'critical'])
      .meta({ description: 'critical: a money invariant is broken (score 0, not ready)' }),
    ready: z.boolean().meta({ description: 'score >= 60' }),
    components: z.array(checkResultSchema),
    dependencies: z.array(checkResultSchema),
    integrations: z.array(checkResultSchema),
  })
  .meta({ id: 'HealthReport' });

export const getHealth = defineRoute({
  method: 'GET',
  path: '/v1/health',
  operationId: 'getHealth',
  access: 'public',
  summary: "The latest health sweep's verdict (503 when down or stale)",
  tags: ['health'],
  responses: {
    200: { description: 'Healthy, degraded or not yet swept', schema: healthVerdictSchema },
    503: {
      description: 'Down, or the last sweep is older than three intervals',
      schema: healthVerdictSchema,
    },
  },
});

export const getHealthReport = defineRoute({
  method: 'GET',
  path: '/v1/health/report',
  operationId: 'getHealthReport',
  access: 'admin',
  summary: 'The latest sweep in full, every check with its detail (404 before the first sweep)',
  tags: ['health'],
  errors: { 404: ['not_found'] },
  responses: { 200: { description: 'The latest report', schema: healthReportSchema } },
});

export const listHealthHistory = defineRoute({
  method: 'GET',
  path: '/v1/health/history',
  operationId: 'listHealthHistory',
  access: 'admin',
  summary: 'Sweeps of the last 30 days, newest first',
  tags: ['health'],
  query: pageQuerySchema,
  responses: { 200: { description: 'A page of reports', schema: pageSchema(healthReportSchema) } },
});

export const postHealthSweep = defineRoute({
  method: 'POST',
  path: '/v1/health/sweeps',
  operationId: 'runHealthSweep',
  access: 'admin',
  summary: 'Run a sweep now (it also resolves expired holds), store it and return its report',
  tags: ['health'],
  errors: { 409: ['sweep_in_progress'] },
  responses: { 201: { description: 'The new report', schema: healthReportSchema } },
});

/** Read-only routes, served by health-api. */
export const healthRoutes = [getHealth, getHealthReport, listHealthHistory];
/** Served by health-sweep, the one function allowed to probe and write (see docs/health.md). */
export const healthSweepRoutes = [postHealthSweep];
