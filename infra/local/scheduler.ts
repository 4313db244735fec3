import { randomUUID } from 'node:crypto';
import type { ScheduledEvent } from 'aws-lambda';

/** EventBridge's scheduled events, locally: one at start, then one per interval, never overlapping. */
export interface Schedule {
  /** Settles when the run at start has finished (whatever its outcome). */
  firstRun: Promise<void>;
  stop(): Promise<void>;
}

export function scheduledEvent(ruleName: string, time = new Date()): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: 'us-east-1',
    resources: [`arn:aws:events:us-east-1:000000000000:rule/${ruleName}`],
    detail: {},
  };
}

export function startSchedule(
  ruleName: string,
  intervalMs: number,
  fire: (event: ScheduledEvent) => Promise<unknown>,
  onError: (error: unknown) => void,
): Schedule {
  let running: Promise<void> | undefined;
  const tick = () => {
    if (running) return; // the previous run is still going: skip, as a rate rule with a busy target would pile up
    running = fire(scheduledEvent(ruleName))
      .then(() => undefined, onError)
      .finally(() => {
        running = undefined;
      });
  };
  tick();
  const firstRun = running ?? Promise.resolve();
  const timer = setInterval(tick, intervalMs);
  return {
    firstRun,
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
