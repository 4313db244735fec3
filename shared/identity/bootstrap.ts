import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { Table } from '#platform/table.js';
import { keyFromSecret } from './api-key.js';
import { createUser } from './users.js';

export const ADMIN_USER_ID = 'usr_admin';

/** The well-known key of the local admin when PRSM_ADMIN_KEY is unset. Never deploy it. */
export const DEVELOPMENT_ADMIN_KEY = 'prsm_localadmin00_DEVELOPMENT-ONLY-admin-key-never-deploy-it0';

/** Creates the first admin with the given key unless it already exists. */
export async function ensureAdmin(table: Table, secret: string): Promise<'created' | 'existing'> {
  try {
    await createUser(table, {
      id: ADMIN_USER_ID,
      name: 'Administrator',
      role: 'admin',
      key: keyFromSecret(secret),
    });
    return 'created';
  } catch (error) {
    if (error instanceof TransactionCanceledException) return 'existing';
    throw error;
  }
}
