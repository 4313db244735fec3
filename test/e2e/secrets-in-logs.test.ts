import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../support/http.js';
import { type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process.js';

/**
 * API keys must never reach the logs: the runtime runs as `npm start` does, logging everything
 * (DEBUG), while keys are created, used, revoked and guessed; then its whole output is searched.
 */
const adminKey = `prsm_${randomBytes(6).toString('hex')}_${randomBytes(32).toString('base64url')}`;
let runtime: RuntimeProcess;

beforeAll(async () => {
  runtime = await startRuntimeProcess(import.meta.filename, {
    PRSM_ADMIN_KEY: adminKey,
    POWERTOOLS_LOG_LEVEL: 'DEBUG',
    PRSM_SCHEDULE_INTERVAL_SECONDS: '3600',
  });
});

afterAll(async () => {
  await runtime.stop();
});

// prsm_ + a 12-character key id + _ come first; the 43 characters after them are the secret.
const secretOf = (key: string) => key.slice('prsm_'.length + 12 + 1);

describe('Security: secrets in logs', () => {
  it('logs no part of any API key secret, used, refused, created or revoked', async () => {
    const api = apiClient(runtime.url);
    const created = await api('POST', '/v1/users', { key: adminKey, body: { name: 'Logged' } });
    expect(created.status).toBe(201);
    const userKey: string = created.body.apiKey;
    const second = await api('POST', '/v1/me/keys', { key: userKey });
    await api('GET', '/v1/me', { key: userKey });
    await api('DELETE', `/v1/me/keys/${second.body.keyId}`, { key: userKey });
    await api('GET', '/v1/me', { key: second.body.apiKey }); // revoked: refused and logged as such
    const guessed = `${userKey.slice(0, 18)}${'A'.repeat(43)}`;
    await api('GET', '/v1/me', { key: guessed });
    await api('POST', '/v1/transfers', {
      key: userKey,
      body: { to: 'usr_x', amount: 'bad' },
      headers: { 'idempotency-key': 'k' },
    });

    const output = runtime.output.join('\n');
    expect(output.length).toBeGreaterThan(0);
    for (const key of [adminKey, userKey, second.body.apiKey as string, guessed]) {
      expect(output).not.toContain(secretOf(key));
    }
  });
});
