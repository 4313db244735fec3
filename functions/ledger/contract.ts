import * as z from 'zod';
import { defineRoute } from '#platform/http/route.js';
import { amountSchema } from '#platform/money.js';
import { pageQuerySchema, pageSchema } from '#platform/pagination.js';
import { categorySlug, ftns, idOf, text, timestamp } from '#platform/schemas.js';

const userId = idOf('usr');
const holdId = idOf('hold');

export const accountSchema = z
  .object({ userId: z.string(), balance: ftns, held: ftns, available: ftns })
  .meta({ id: 'Account' });

export const transferSchema = z
  .object({
    id: z.string(),
    from: z.string(),
    to: z.string(),
    amount: ftns,
    reason: z.string(),
    memo: z.string().optional(),
    holdId: z.string().optional(),
    reference: z.string().optional(),
    createdAt: timestamp,
  })
  .meta({ id: 'Transfer' });

export const entrySchema = transferSchema
  .extend({
    side: z
      .enum(['debit', 'credit'])
      .meta({ description: "Whether the caller's account was debited or credited" }),
  })
  .meta({ id: 'Entry' });

export const holdSchema = z
  .object({
    id: z.string(),
    ownerId: z.string(),
    payeeId: z.string(),
    amount: ftns,
    status: z.enum(['active', 'captured', 'released', 'expired']),
    expiresAt: timestamp,
    createdAt: timestamp,
    capturedAmount: ftns.optional(),
    captureTransferId: z.string().optional(),
    resolvedAt: timestamp.optional(),
    budgetId: z.string().optional(),
    category: z.string().optional(),
  })
  .meta({ id: 'Hold' });

export const auditSchema = z
  .object({
    sumOfBalances: ftns,
    accountItems: z.number().int(),
    negativeBalances: z.array(z.object({ accountId: z.string(), balance: ftns, available: ftns })),
    budgetDrift: z.array(z.object({ budgetId: z.string(), spent: ftns, ledger: ftns })),
    checkedAt: timestamp,
  })
  .meta({ id: 'LedgerAudit' });

const memo = text(200).optional();

export const getMyAccount = defineRoute({
  method: 'GET',
  path: '/v1/accounts/me',
  operationId: 'getMyAccount',
  access: 'user',
  summary: "The caller's balance, held and available FTNS",
  tags: ['ledger'],
  responses: { 200: { description: 'The account', schema: accountSchema } },
});

export const getAccount = defineRoute({
  method: 'GET',
  path: '/v1/accounts/{userId}',
  operationId: 'getAccount',
  access: 'user',
  summary: "A user's account: admins read any, users only their own (404 otherwise)",
  tags: ['ledger'],
  params: z.object({ userId }),
  responses: { 200: { description: 'The account', schema: accountSchema } },
});

export const listMyTransfers = defineRoute({
  method: 'GET',
  path: '/v1/accounts/me/transfers',
  operationId: 'listMyTransfers',
  access: 'user',
  summary: "The caller's transfers, newest first",
  tags: ['ledger'],
  query: pageQuerySchema,
  responses: { 200: { description: 'A page of transfers', schema: pageSchema(entrySchema) } },
});

export const postGrant = defineRoute({
  method: 'POST',
  path: '/v1/grants',
  operationId: 'createGrant',
  access: 'admin',
  summary: 'Mint FTNS to a user',
  tags: ['ledger'],
  idempotencyKey: 'required',
  body: z.strictObject({ userId, amount: amountSchema, memo }),
  errors: { 422: ['unknown_account'] },
  responses: { 201: { description: 'The transfer from mint', schema: transferSchema } },
});

export const postTransfer = defineRoute({
  method: 'POST',
  path: '/v1/transfers',
  operationId: 'createTransfer',
  access: 'user',
  summary: 'Send FTNS to another user',
  tags: ['ledger'],
  idempotencyKey: 'required',
  body: z.strictObject({ to: userId, amount: amountSchema, memo }),
  errors: { 402: ['insufficient_funds'], 422: ['self_transfer', 'unknown_account'] },
  responses: { 201: { description: 'The transfer', schema: transferSchema } },
});

export const postHold = defineRoute({
  method: 'POST',
  path: '/v1/holds',
  operationId: 'createHold',
  access: 'user',
  summary:
    'Reserve FTNS for a payee (revenue unless named) until captured, released or expired; with a budget, reserve it there too',
  tags: ['ledger'],
  idempotencyKey: 'required',
  body: z
    .strictObject({
      amount: amountSchema,
      expiresInSeconds: z
        .number()
        .int()
        .min(1)
        .max(30 * 24 * 3600),
      payeeId: userId.optional(),
      budgetId: idOf('bud').optional().meta({
        description: 'A budget of which the caller is a member: the hold reserves its amount there',
      }),
      category: categorySlug.optional().meta({ description: 'The budget category a capture is charged to' }),
    })
    .refine((body) => (body.budgetId === undefined) === (body.category === undefined), {
      message: 'budgetId and category go together',
      path: ['category'],
    }),
  errors: {
    402: ['insufficient_funds', 'budget_exceeded'],
    404: ['not_found'],
    409: ['budget_closed', 'budget_suspended'],
    422: ['unknown_account', 'self_transfer'],
  },
  responses: { 201: { description: 'The hold', schema: holdSchema, location: '/v1/holds/{id}' } },
});

export const listMyHolds = defineRoute({
  method: 'GET',
  path: '/v1/holds',
  operationId: 'listMyHolds',
  access: 'user',
  summary: "The caller's holds, newest first",
  tags: ['ledger'],
  query: pageQuerySchema,
  responses: { 200: { description: 'A page of holds', schema: pageSchema(holdSchema) } },
});

export const getMyHold = defineRoute({
  method: 'GET',
  path: '/v1/holds/{holdId}',
  operationId: 'getMyHold',
  access: 'user',
  summary: 'One of the caller’s holds',
  tags: ['ledger'],
  params: z.object({ holdId }),
  responses: { 200: { description: 'The hold', schema: holdSchema } },
});

export const captureMyHold = defineRoute({
  method: 'POST',
  path: '/v1/holds/{holdId}/capture',
  operationId: 'captureMyHold',
  access: 'user',
  summary: 'Pay part or all of a hold to its payee; the rest returns to the balance',
  tags: ['ledger'],
  idempotencyKey: 'required',
  params: z.object({ holdId }),
  body: z.strictObject({ amount: amountSchema.optional() }),
  errors: {
    402: ['budget_exceeded'],
    409: ['hold_not_active', 'budget_closed', 'budget_suspended'],
    422: ['capture_exceeds_hold'],
  },
  responses: { 200: { description: 'The captured hold', schema: holdSchema } },
});

export const releaseMyHold = defineRoute({
  method: 'POST',
  path: '/v1/holds/{holdId}/release',
  operationId: 'releaseMyHold',
  access: 'user',
  summary: 'Return a whole hold to the balance',
  tags: ['ledger'],
  idempotencyKey: 'optional',
  params: z.object({ holdId }),
  errors: { 409: ['hold_not_active'] },
  responses: { 200: { description: 'The released hold', schema: holdSchema } },
});

export const getAudit = defineRoute({
  method: 'GET',
  path: '/v1/ledger/audit',
  operationId: 'getLedgerAudit',
  access: 'admin',
  summary: "The ledger's invariants now",
  tags: ['ledger'],
  responses: { 200: { description: 'The audit', schema: auditSchema } },
});

export const ledgerRoutes = [
  getMyAccount,
  getAccount,
  listMyTransfers,
  postGrant,
  postTransfer,
  postHold,
  listMyHolds,
  getMyHold,
  captureMyHold,
  releaseMyHold,
  getAudit,
];
