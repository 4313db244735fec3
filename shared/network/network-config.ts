import * as z from 'zod';
import { MICRO_PER_FTNS, type Micro } from '#platform/money.js';

/**
 * The provider network's settings, from the environment (read once per container, failing fast).
 * The figures that are the original's rules (stake minimum, reputation steps and threshold) are
 * constants in `reputation.ts` and here; what an operator tunes is configurable.
 */
const networkEnvSchema = z.object({
  /** A node with no heartbeat for this long is `inactive` and offered no work. */
  PRSM_NODE_HEARTBEAT_TIMEOUT_SECONDS: z.coerce.number().int().positive().default(120),
  /** How long a node has to answer a lease before it is offered to another node. */
  PRSM_LEASE_SECONDS: z.coerce.number().int().positive().max(3600).default(120),
  /** How long `POST /v1/nodes/{id}/leases` waits for work before answering 204 (well under API Gateway's 30 s). */
  PRSM_LEASE_WAIT_MS: z.coerce.number().int().min(0).max(20_000).default(10_000),
  /** How often the wait looks for work again. */
  PRSM_LEASE_POLL_MS: z.coerce.number().int().min(10).max(5_000).default(500),
  /** Share of leases (parts per million) whose result is cross-checked against the built-in executor. */
  PRSM_NETWORK_VERIFY_PPM: z.coerce.number().int().min(0).max(1_000_000).default(200_000),
  /** Share of the stake (parts per million) a rejected result costs its node. */
  PRSM_NODE_SLASH_PPM: z.coerce.number().int().min(0).max(1_000_000).default(100_000),
});

export interface NetworkConfig {
  heartbeatTimeoutMs: number;
  leaseMs: number;
  waitMs: number;
  pollMs: number;
  verifyPpm: number;
  slashPpm: bigint;
}

/** The original's staking minimum. */
export const MIN_STAKE: Micro = 100n * MICRO_PER_FTNS;
/** A stake is held for as long as its node is registered: far beyond any run (holds expire). */
export const STAKE_HOLD_SECONDS = 10 * 365 * 24 * 3600;

let cached: NetworkConfig | undefined;

export function networkConfig(env: Record<string, string | undefined> = process.env): NetworkConfig {
  if (cached && env === process.env) return cached;
  const parsed = networkEnvSchema.parse(env);
  const read: NetworkConfig = {
    heartbeatTimeoutMs: parsed.PRSM_NODE_HEARTBEAT_TIMEOUT_SECONDS * 1000,
    leaseMs: parsed.PRSM_LEASE_SECONDS * 1000,
    waitMs: parsed.PRSM_LEASE_WAIT_MS,
    pollMs: parsed.PRSM_LEASE_POLL_MS,
    verifyPpm: parsed.PRSM_NETWORK_VERIFY_PPM,
    slashPpm: BigInt(parsed.PRSM_NODE_SLASH_PPM),
  };
  if (env === process.env) cached = read;
  return read;
}
