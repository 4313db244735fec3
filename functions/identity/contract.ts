import * as z from 'zod';
import { defineRoute } from '#platform/http/route.js';
import { pageQuerySchema, pageSchema } from '#platform/pagination.js';
import { text, timestamp } from '#platform/schemas.js';

export const userSchema = z
  .object({ id: z.string(), name: z.string(), role: z.enum(['user', 'admin']), createdAt: timestamp })
  .meta({ id: 'User' });

export const keySchema = z
  .object({ keyId: z.string(), prefix: z.string(), createdAt: timestamp, revokedAt: timestamp.nullable() })
  .meta({ id: 'ApiKey' });

const secret = z.string().meta({ description: 'The API key: shown once, never again' });

export const createUser = defineRoute({
  method: 'POST',
  path: '/v1/users',
  operationId: 'createUser',
  access: 'admin',
  summary: 'Create a user with a first API key',
  tags: ['identity'],
  body: z.strictObject({ name: text(100).min(1), role: z.enum(['user', 'admin']).default('user') }),
  responses: {
    201: { description: 'The user and its key', schema: z.object({ user: userSchema, apiKey: secret }) },
  },
});

export const getMe = defineRoute({
  method: 'GET',
  path: '/v1/me',
  operationId: 'getMe',
  access: 'user',
  summary: 'The caller',
  tags: ['identity'],
  errors: { 404: ['not_found'] },
  responses: { 200: { description: 'The caller', schema: userSchema } },
});

export const listMyKeys = defineRoute({
  method: 'GET',
  path: '/v1/me/keys',
  operationId: 'listMyKeys',
  access: 'user',
  summary: "The caller's API keys (prefixes only)",
  tags: ['identity'],
  query: pageQuerySchema,
  responses: { 200: { description: 'Keys', schema: pageSchema(keySchema) } },
});

export const createMyKey = defineRoute({
  method: 'POST',
  path: '/v1/me/keys',
  operationId: 'createMyKey',
  access: 'user',
  summary: 'Create an API key for the caller',
  tags: ['identity'],
  errors: { 409: ['too_many_keys'] },
  responses: { 201: { description: 'The key, shown once', schema: keySchema.extend({ apiKey: secret }) } },
});

export const revokeMyKey = defineRoute({
  method: 'DELETE',
  path: '/v1/me/keys/{keyId}',
  operationId: 'revokeMyKey',
  access: 'user',
  summary: "Revoke one of the caller's keys",
  tags: ['identity'],
  params: z.object({ keyId: z.string().regex(/^[0-9a-z]{12}$/, 'must be a key id') }),
  errors: { 409: ['key_revoked'] },
  responses: { 204: { description: 'Revoked' } },
});

export const identityRoutes = [createUser, getMe, listMyKeys, createMyKey, revokeMyKey];
