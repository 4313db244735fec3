import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '#platform/clock.js';
import type { Table } from '#platform/table.js';

/**
 * The original's circuit breaker around the model: open after 5 consecutive failures or 50 %
 * failures over the last 10 calls; half-open 60 s after opening; closed again after 3
 * successes in half-open (a failure there opens it again). The state is one DynamoDB item, so
 * every Lambda container sees the same breaker; writes are conditioned on its version.
 */
export type BreakerMode = 'closed' | 'open' | 'half_open';

export interface BreakerState {
  mode: BreakerMode;
  consecutiveFailures: number;
  /** The last calls' outcomes, oldest first: `S` success, `F` failure (closed mode only). */
  recent: string;
  openedAt: string | null;
  halfOpenSuccesses: number;
  version: number;
}

export interface BreakerRules {
  consecutiveFailures: number;
  window: number;
  /** Failures in a full window that open the breaker. */
  windowFailures: number;
  openSeconds: number;
  halfOpenSuccesses: number;
}

export const DEFAULT_RULES: BreakerRules = {
  consecutiveFailures: 5,
  window: 10,
  windowFailures: 5,
  openSeconds: 60,
  halfOpenSuccesses: 3,
};

export const INITIAL_STATE: BreakerState = {
  mode: 'closed',
  consecutiveFailures: 0,
  recent: '',
  openedAt: null,
  halfOpenSuccesses: 0,
  version: 0,
};

export class CircuitOpenError extends Error {
  constructor(
    readonly circuit: string,
    readonly retryAfterSeconds: number,
  ) {
    super(`circuit ${circuit} is open: calls refused for ${retryAfterSeconds} s more`);
    this.name = 'CircuitOpenError';
  }
}

/** The mode a call sees now: an open breaker whose time is up is half-open. */
export function modeAt(state: BreakerState, now: Date, rules: BreakerRules = DEFAULT_RULES): BreakerMode {
  if (state.mode !== 'open' || state.openedAt === null) return state.mode;
  const elapsed = now.getTime() - Date.parse(state.openedAt);
  return elapsed >= rules.openSeconds * 1000 ? 'half_open' : 'open';
}

export function retryAfterSeconds(
  state: BreakerState,
  now: Date,
  rules: BreakerRules = DEFAULT_RULES,
): number {
  if (state.openedAt === null) return 0;
  const left = rules.openSeconds * 1000 - (now.getTime() - Date.parse(state.openedAt));
  return Math.max(1, Math.ceil(left / 1000));
}

/** The state after one call's outcome. */
export function recordOutcome(
  state: BreakerState,
  outcome: 'success' | 'failure',
  now: Date,
  rules: BreakerRules = DEFAULT_RULES,
): BreakerState {
  const mode = modeAt(state, now, rules);
  const version = state.version + 1;
  const open = (): BreakerState => ({
    mode: 'open',
    consecutiveFailures: 0,
    recent: '',
    openedAt: now.toISOString(),
    halfOpenSuccesses: 0,
    version,
  });
  if (mode === 'open') return state; // a call admitted just before another one opened it
  if (mode === 'half_open') {
    if (outcome === 'failure') return open();
    const successes = state.mode === 'half_open' ? state.halfOpenSuccesses + 1 : 1;
    if (successes >= rules.halfOpenSuccesses) return { ...INITIAL_STATE, version };
    return { ...state, mode: 'half_open', halfOpenSuccesses: successes, version };
  }
  const recent = `${state.recent}${outcome === 'success' ? 'S' : 'F'}`.slice(-rules.window);
  const consecutiveFailures = outcome === 'failure' ? state.consecutiveFailures + 1 : 0;
  const failures = [...recent].filter((o) => o === 'F').length;
  if (
    consecutiveFailures >= rules.consecutiveFailures ||
    (recent.length >= rules.window && failures >= rules.windowFailures)
  ) {
    return open();
  }
  return { ...state, mode: 'closed', recent, consecutiveFailures, version };
}

/** Where a breaker keeps its state. */
export interface BreakerStore {
  load(name: string): Promise<BreakerState>;
  /** False when the stored version is no longer `expectedVersion` (someone else wrote first). */
  save(name: string, state: BreakerState, expectedVersion: number): Promise<boolean>;
}

const breakerKey = (name: string) => ({ pk: `CIRCUIT#${name}`, sk: 'CIRCUIT' });

export function dynamoBreakerStore(table: Table): BreakerStore {
  return {
    async load(name) {
      const { Item } = await table.doc.send(
        new GetCommand({ TableName: table.name, Key: breakerKey(name), ConsistentRead: true }),
      );
      if (!Item) return INITIAL_STATE;
      return {
        mode: Item.mode as BreakerMode,
        consecutiveFailures: Number(Item.consecutiveFailures),
        recent: String(Item.recent ?? ''),
        openedAt: Item.openedAt ? String(Item.openedAt) : null,
        halfOpenSuccesses: Number(Item.halfOpenSuccesses),
        version: Number(Item.version),
      };
    },
    async save(name, state, expectedVersion) {
      try {
        await table.doc.send(
          new PutCommand({
            TableName: table.name,
            Item: { ...breakerKey(name), type: 'circuit', name, ...state },
            ConditionExpression: 'attribute_not_exists(pk) OR version = :v',
            ExpressionAttributeValues: { ':v': expectedVersion },
          }),
        );
        return true;
      } catch (error) {
        if ((error as Error).name === 'ConditionalCheckFailedException') return false;
        throw error;
      }
    },
  };
}

export interface CircuitBreaker {
  call<T>(work: () => Promise<T>): Promise<T>;
}

/** How long a container trusts the state it last read or wrote before reading it again. */
export const STATE_CACHE_MS = 2_000;

const healthy = (state: BreakerState) =>
  state.mode === 'closed' && state.consecutiveFailures === 0 && !state.recent.includes('F');

/**
 * Each container keeps the state it last read or wrote for `cacheMs` (read on the clock), so a
 * healthy provider costs one read per breaker every few seconds, not a read and a write per call.
 * A success on a healthy state is not written: it changes nothing a rule reads (the window only
 * counts failures once it is full of outcomes, and no failure is in it). Failures, and successes
 * while failures are remembered or the breaker is half-open, are written as before.
 */
export function circuitBreaker(options: {
  name: string;
  store: BreakerStore;
  clock: Clock;
  rules?: BreakerRules;
  cacheMs?: number;
  /** Recording an outcome is advisory: a failed write is reported here, not thrown. */
  onStoreError?(error: unknown): void;
}): CircuitBreaker {
  const { name, store, clock } = options;
  const rules = options.rules ?? DEFAULT_RULES;
  const cacheMs = options.cacheMs ?? STATE_CACHE_MS;
  let cached: { state: BreakerState; atMs: number } | undefined;
  const remember = (state: BreakerState) => {
    cached = { state, atMs: clock.now().getTime() };
    return state;
  };
  const current = async (): Promise<BreakerState> => {
    if (cached && clock.now().getTime() - cached.atMs < cacheMs) return cached.state;
    return remember(await store.load(name));
  };

  const record = async (outcome: 'success' | 'failure') => {
    if (outcome === 'success' && cached && healthy(cached.state)) return;
    try {
      // Concurrent callers: re-read and re-apply on a lost race, a few times.
      for (let attempt = 0; attempt < 5; attempt++) {
        const stored = remember(await store.load(name));
        const next = recordOutcome(stored, outcome, clock.now(), rules);
        if (next === stored) return;
        if (await store.save(name, next, stored.version)) {
          remember(next);
          return;
        }
      }
    } catch (error) {
      options.onStoreError?.(error);
    }
  };

  return {
    async call<T>(work: () => Promise<T>): Promise<T> {
      const state = await current();
      const now = clock.now();
      if (modeAt(state, now, rules) === 'open') {
        throw new CircuitOpenError(name, retryAfterSeconds(state, now, rules));
      }
      let result: T;
      try {
        result = await work();
      } catch (error) {
        await record('failure');
        throw error;
      }
      await record('success');
      return result;
    },
  };
}
