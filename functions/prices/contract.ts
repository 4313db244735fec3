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

export const modelPriceSchema = z
  .object({
    model: z.string(),
    inputPerMillion: ftns.meta({ description: 'FTNS per million input tokens' }),
    outputPerMillion: ftns.meta({ description: 'FTNS per million output tokens' }),
  })
  .meta({ id: 'ModelPrice' });

export const listModelPricesRoute = defineRoute({
  method: 'GET',
  path: '/v1/prices/models',
  operationId: 'listModelPrices',
  access: 'user',
  summary: "Every priced model's token prices: what a model phase holds and is charged",
  tags: ['prices'],
  query: pageQuerySchema,
  responses: { 200: { description: 'The model prices', schema: pageSchema(modelPriceSchema) } },
});

export const setModelPriceRoute = defineRoute({
  method: 'PUT',
  path: '/v1/prices/models/{modelId}',
  operationId: 'setModelPrice',
  access: 'admin',
  summary: "Set a model's token prices (a model without a price cannot be asked)",
  tags: ['prices'],
  params: z.object({
    modelId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/, 'must be a model id'),
  }),
  body: z.strictObject({ inputPerMillion: amountSchema, outputPerMillion: amountSchema }),
  responses: { 200: { description: 'The model price', schema: modelPriceSchema } },
});

export const priceRoutes = [listPricesRoute, setPriceRoute, listModelPricesRoute, setModelPriceRoute];
