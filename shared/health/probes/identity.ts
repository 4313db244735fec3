import { hashKey } from '#shared/identity/api-key.js';
import { getUser, resolveKey } from '#shared/identity/users.js';
import type { CapabilityProbes } from '../probe-deps.js';

/** Ids that never exist: the probe exercises the reads, not any user's data. */
const PROBE_USER_ID = 'usr_health_probe';
const PROBE_KEY_HASH = hashKey('prsm health probe: a key that is never issued');

/** The authorizer's lookup (a consistent GetItem by key hash) and a profile read. */
export const identityProbes: CapabilityProbes = {
  capability: 'identity',
  checks: (deps) => [
    {
      name: 'identity',
      group: 'components',
      run: async () => {
        await Promise.all([resolveKey(deps.table, PROBE_KEY_HASH), getUser(deps.table, PROBE_USER_ID)]);
        return { status: 'healthy', detail: 'API key lookup and user read answer' };
      },
    },
  ],
};
