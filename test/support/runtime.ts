import { afterAll, beforeAll } from 'vitest';
import type { Throttling } from '#infra/local/rate-limiter.js';
import { type Runtime, startRuntime } from '#infra/local/runtime.js';
import type { Clock } from '#platform/clock.js';
import { documentClient, type Table } from '#platform/table.js';
import { DEVELOPMENT_ADMIN_KEY, ensureAdmin } from '#shared/identity/bootstrap.js';
import { type ApiResponse, apiClient } from './http.js';
import { awsClients, testPrefix } from './resources.js';

export interface TestRuntime {
  runtime: Runtime;
  table: Table;
  adminKey: string;
  api: ReturnType<typeof apiClient>;
  /** Creates a user through the API and returns its id and key. */
  newUser(name?: string, role?: 'user' | 'admin'): Promise<{ id: string; key: string }>;
  /** Grants FTNS to a user through the API. */
  grant(userId: string, amount: string): Promise<ApiResponse>;
  stop(): Promise<void>;
}

let sequence = 0;
const tableOf = (name: string): Table => ({ name, doc: documentClient(awsClients().dynamo) });

/** The local runtime in this test process, with its own resources and an admin. */
export async function startTestRuntime(
  file: string,
  options: {
    scheduleIntervalSeconds?: number;
    throttling?: Throttling | 'off';
    throttlingClock?: Clock;
  } = {},
): Promise<TestRuntime> {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  const runtime = await startRuntime({
    prefix: testPrefix(file),
    port: 0,
    scheduleIntervalSeconds: options.scheduleIntervalSeconds ?? 3600,
    // The concurrency tests send hundreds of requests with one key at once: more than the API allows.
    throttling: options.throttling ?? 'off',
    throttlingClock: options.throttlingClock,
    log: (message, error) => console.error('RUNTIME', message, error),
    bootstrap: async (resources) => {
      await ensureAdmin(tableOf(resources.tableName), DEVELOPMENT_ADMIN_KEY);
    },
  });
  const table = tableOf(runtime.resources.tableName);
  const api = apiClient(runtime.url);
  const adminKey = DEVELOPMENT_ADMIN_KEY;
  return {
    runtime,
    table,
    adminKey,
    api,
    newUser: async (name = `user ${++sequence}`, role = 'user') => {
      const response = await api('POST', '/v1/users', { key: adminKey, body: { name, role } });
      if (response.status !== 201) throw new Error(`user not created: ${JSON.stringify(response.body)}`);
      return { id: response.body.user.id, key: response.body.apiKey };
    },
    grant: (userId, amount) =>
      api('POST', '/v1/grants', {
        key: adminKey,
        body: { userId, amount },
        headers: { 'idempotency-key': `grant-${++sequence}-${Date.now()}` },
      }),
    stop: () => runtime.stop(),
  };
}

/**
 * The local runtime for one test file: started before its tests, stopped after them. The
 * returned object stands for the runtime once `beforeAll` has run (use it inside tests and hooks).
 */
export function useRuntime(file: string, options: Parameters<typeof startTestRuntime>[1] = {}): TestRuntime {
  let runtime: TestRuntime | undefined;
  beforeAll(async () => {
    runtime = await startTestRuntime(file, options);
  });
  afterAll(async () => {
    await runtime?.stop();
  });
  return new Proxy({} as TestRuntime, {
    get: (_target, property) => {
      if (!runtime) throw new Error('the test runtime starts in beforeAll: use it inside tests and hooks');
      return Reflect.get(runtime, property);
    },
  });
}
