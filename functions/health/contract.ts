import * as z from 'zod';
import { defineRoute } from '#platform/http/route.js';

export const healthVerdictSchema = z
  .object({
    status: z.enum(['ok', 'degraded', 'down', 'unknown']),
    score: z.number().nullable(),
    checkedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'HealthVerdict' });

export const getHealth = defineRoute({
  method: 'GET',
  path: '/v1/health',
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

export const healthRoutes = [getHealth];
