import { describe, expect, it } from 'vitest';
import {
  type BreakerState,
  type BreakerStore,
  CircuitOpenError,
  circuitBreaker,
  INITIAL_STATE,
  modeAt,
  recordOutcome,
} from '#shared/workflows/executors/circuit-breaker.js';

const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds));

function replay(outcomes: string, start: BreakerState = INITIAL_STATE, time = 0): BreakerState {
  let state = start;
  for (const outcome of outcomes)
    state = recordOutcome(state, outcome === 'S' ? 'success' : 'failure', at(time));
  return state;
}

describe('Circuit breaker: rules', () => {
  it('opens after 5 consecutive failures, not after 4', () => {
    expect(replay('FFFF').mode).toBe('closed');
    expect(replay('SFFFFF').mode).toBe('open');
  });

  it('opens at 50 % failures over the last 10 calls without 5 in a row', () => {
    expect(replay('FSFSFSFSF').mode).toBe('closed'); // 9 calls: the window is not full yet
    expect(replay('FSFSFSFSFS')).toMatchObject({ mode: 'open' });
    expect(replay('SFSFSFSFSS').mode).toBe('closed'); // 4 of 10
    expect(replay('SSSSSSSSSSFSFSFSFS').mode).toBe('closed'); // the window slides: 4 of the last 10
  });

  it('turns half-open 60 s after opening, closes after 3 successes, reopens on a failure', () => {
    const open = replay('FFFFF', INITIAL_STATE, 0);
    expect(modeAt(open, at(59))).toBe('open');
    expect(modeAt(open, at(60))).toBe('half_open');
    const one = recordOutcome(open, 'success', at(61));
    expect(one).toMatchObject({ mode: 'half_open', halfOpenSuccesses: 1 });
    const two = recordOutcome(one, 'success', at(62));
    expect(recordOutcome(two, 'success', at(63))).toMatchObject({
      mode: 'closed',
      recent: '',
      consecutiveFailures: 0,
    });
    const reopened = recordOutcome(two, 'failure', at(63));
    expect(reopened).toMatchObject({ mode: 'open', openedAt: at(63).toISOString() });
    expect(modeAt(reopened, at(100))).toBe('open');
  });

  it('ignores the outcome of a call admitted just before the circuit opened', () => {
    const open = replay('FFFFF');
    expect(recordOutcome(open, 'success', at(1))).toBe(open);
  });
});

function memoryStore(): BreakerStore & { state: BreakerState; conflicts: number } {
  const store = {
    state: INITIAL_STATE,
    conflicts: 0,
    load: async () => store.state,
    save: async (_name: string, next: BreakerState, expected: number) => {
      if (store.state.version !== expected) return false;
      store.state = next;
      return true;
    },
  };
  return store;
}

describe('Circuit breaker: calls', () => {
  it('refuses calls while open, without calling, with the seconds left', async () => {
    const store = memoryStore();
    let now = at(0);
    const breaker = circuitBreaker({ name: 'model', store, clock: { now: () => now } });
    let calls = 0;
    const failing = async () => {
      calls++;
      throw new Error('down');
    };
    for (let i = 0; i < 5; i++) await expect(breaker.call(failing)).rejects.toThrow('down');
    expect(store.state.mode).toBe('open');
    now = at(45);
    const refused = await breaker.call(failing).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(CircuitOpenError);
    expect((refused as CircuitOpenError).retryAfterSeconds).toBe(15);
    expect(calls).toBe(5);
    now = at(61);
    for (let i = 0; i < 3; i++) expect(await breaker.call(async () => 'ok')).toBe('ok');
    expect(store.state.mode).toBe('closed');
  });

  it('re-reads and re-applies an outcome when another container wrote first', async () => {
    const store = memoryStore();
    const racing: BreakerStore = {
      load: store.load,
      save: async (name, next, expected) => {
        if (store.conflicts++ === 0) store.state = { ...store.state, version: store.state.version + 1 };
        return store.save(name, next, expected);
      },
    };
    const breaker = circuitBreaker({ name: 'model', store: racing, clock: { now: () => at(0) } });
    await expect(breaker.call(async () => Promise.reject(new Error('x')))).rejects.toThrow('x');
    expect(store.state).toMatchObject({ consecutiveFailures: 1, recent: 'F', version: 2 });
  });

  it('never lets a failure to record an outcome replace the call result', async () => {
    const errors: unknown[] = [];
    const broken: BreakerStore = {
      load: async () => INITIAL_STATE,
      save: async () => {
        throw new Error('table unavailable');
      },
    };
    const breaker = circuitBreaker({
      name: 'model',
      store: broken,
      clock: { now: () => at(0) },
      onStoreError: (e) => errors.push(e),
    });
    const refusal = new Error('provider down');
    await expect(breaker.call(async () => Promise.reject(refusal))).rejects.toBe(refusal);
    expect(await breaker.call(async () => 42)).toBe(42);
    // The failure's write failed; the success after it finds a healthy state and writes nothing.
    expect(errors).toHaveLength(1);
  });

  it('reads the state once per cache period and writes a success only when failures are remembered', async () => {
    const store = memoryStore();
    let loads = 0;
    let saves = 0;
    const counted: BreakerStore = {
      load: async (name) => {
        loads++;
        return store.load(name);
      },
      save: async (name, next, expected) => {
        saves++;
        return store.save(name, next, expected);
      },
    };
    let now = at(0);
    const breaker = circuitBreaker({
      name: 'model',
      store: counted,
      clock: { now: () => now },
      cacheMs: 2_000,
    });
    for (let i = 0; i < 10; i++) expect(await breaker.call(async () => i)).toBe(i);
    expect({ loads, saves }).toEqual({ loads: 1, saves: 0 });
    await expect(breaker.call(async () => Promise.reject(new Error('429')))).rejects.toThrow('429');
    expect(store.state).toMatchObject({ consecutiveFailures: 1, recent: 'F' });
    await breaker.call(async () => 'ok');
    expect(store.state).toMatchObject({ consecutiveFailures: 0, recent: 'FS' });
    expect(saves).toBe(2);
    // Another container opens the breaker: seen once this container's copy is older than the period.
    store.state = {
      ...store.state,
      mode: 'open',
      openedAt: now.toISOString(),
      version: store.state.version + 1,
    };
    now = new Date(now.getTime() + 2_000);
    await expect(breaker.call(async () => 'not called')).rejects.toBeInstanceOf(CircuitOpenError);
  });
});
