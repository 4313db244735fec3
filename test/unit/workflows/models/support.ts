import * as z from 'zod';
import type { Clock } from '#platform/clock.js';
import {
  type BreakerState,
  type BreakerStore,
  INITIAL_STATE,
} from '#shared/workflows/executors/circuit-breaker.js';

/** What the structured tests ask for: a small research plan. */
export const planSchema = z.object({
  title: z.string().min(1),
  questions: z.array(z.string()).min(1),
  confidence: z.number().min(0).max(1),
});

export const PLAN = { title: 'Photonic coupling', questions: ['Which modes couple?'], confidence: 0.8 };

export const plan = { name: 'research_plan', description: 'A research plan', schema: planSchema };

/**
 * Sleeps recorded, never waited; jitter fixed at half the ceiling; time ticking 10 ms a reading;
 * per-attempt timeouts recorded and fired by the test (`timeouts.fire(0)`), never by the clock.
 */
export function seams() {
  const sleeps: number[] = [];
  const timers: { ms: number; controller: AbortController }[] = [];
  let tick = 0;
  return {
    sleeps,
    timeouts: {
      ms: () => timers.map((t) => t.ms),
      fire: (index: number) => timers[index]!.controller.abort(new DOMException('timed out', 'TimeoutError')),
    },
    timeoutSignal: (ms: number) => {
      const controller = new AbortController();
      timers.push({ ms, controller });
      return controller.signal;
    },
    retry: {
      sleep: async (ms: number) => {
        sleeps.push(ms);
      },
      random: () => 0.5,
    },
    now: () => (tick += 10),
  };
}

export function memoryBreakerStore(): BreakerStore & {
  states: Map<string, BreakerState>;
  loaded: Set<string>;
} {
  const states = new Map<string, BreakerState>();
  const loaded = new Set<string>();
  return {
    states,
    loaded,
    async load(name) {
      loaded.add(name);
      return states.get(name) ?? INITIAL_STATE;
    },
    async save(name, state, expectedVersion) {
      if ((states.get(name) ?? INITIAL_STATE).version !== expectedVersion) return false;
      states.set(name, state);
      return true;
    },
  };
}

export const fixedClock = (iso = '2026-12-01T12:00:00.000Z'): Clock => ({ now: () => new Date(iso) });
