import { expect } from 'vitest';
import { type Agent, type AgentOptions, startAgent } from '#shared/network/agent/agent.js';
import type { Json } from '../support/http.js';
import type { TestRuntime } from '../support/runtime.js';
import { GENEROUS_WAIT_MS } from '../support/waits.js';

/** Helpers of the provider network's tests: node owners, agents in the test's process, exact sums. */
export interface Owner {
  id: string;
  key: string;
}

export async function owner(t: TestRuntime, grant = '200'): Promise<Owner> {
  const user = await t.newUser();
  expect((await t.grant(user.id, grant)).status).toBe(201);
  return user;
}

export function agentOf(
  t: TestRuntime,
  who: Owner,
  name: string,
  options: Partial<AgentOptions> = {},
): Agent {
  return startAgent({
    api: t.runtime.url,
    key: who.key,
    name,
    heartbeatMs: 1000,
    // PRSM_TEST_AGENT_LOG=1 shows what the agents did.
    log: process.env.PRSM_TEST_AGENT_LOG ? (line) => console.error(line) : () => undefined,
    ...options,
  });
}

export const nodeOf = async (t: TestRuntime, key: string, nodeId: string): Promise<Json> => {
  const response = await t.api('GET', `/v1/nodes/${nodeId}`, { key });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body;
};

export const micro = (ftns: string): bigint => {
  const [whole = '0', fraction = ''] = ftns.split('.');
  return BigInt(whole) * 1_000_000n + BigInt(fraction.padEnd(6, '0'));
};

/** The marketplace's 2.5 % fee, rounded half-up to the micro-FTNS: what the owner does not get. */
export const proceedsOf = (cost: bigint): bigint => cost - (cost * 25_000n * 2n + 1_000_000n) / 2_000_000n;

/** What the owners of the nodes were due for these workflows' phases. */
export const phaseProceeds = (workflows: Json[]): bigint =>
  workflows.flatMap((w) => w.phases).reduce((sum: bigint, p: Json) => sum + proceedsOf(micro(p.cost)), 0n);

export async function until<T>(
  look: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
): Promise<T> {
  const deadline = Date.now() + GENEROUS_WAIT_MS;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await look();
    if (done(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not happen: ${JSON.stringify(last)}`);
}
