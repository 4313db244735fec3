import * as z from 'zod';
import { defineRoute } from '#platform/http/route.js';
import { amountSchema } from '#platform/money.js';
import { pageQuerySchema, pageSchema } from '#platform/pagination.js';
import { ftns } from '#platform/schemas.js';

export const priceSchema = z
  .object({ component: z.string(), price: ftns, phase: z.string(), category: z.string() })
  .meta({ id: 'ComponentPrice' });

export const listPricesRoute = defineRoute({
  method: 'GET',
  path: '/v1/prices',
  operationId: 'listPrices',
  access: 'user',
  summary: 'The price of every workflow component, by component name',
  tags: ['prices'],
  query: pageQuerySchema,
  responses: { 200: { description: 'The price list', schema: pageSchema(priceSchema) } },
});

export const setPriceRoute = defineRoute({
  method: 'PUT',
  path: '/v1/prices/{component}',
  operationId: 'setPrice',
  access: 'admin',
  summary: "Change a component's price",
  tags: ['prices'],
  params: z.object({ component: z.string().regex(/^[A-Za-z]{1,64}$/, 'must be a component name') }),
  body: z.strictObject({ price: amountSchema }),
  responses: { 200: { description: 'The component price', schema: priceSchema } },
});

export const priceRoutes = [listPricesRoute, setPriceRoute];
