import { setTimeout as sleep } from 'node:timers/promises';
import { type components, eachItem, type PrsmClient, unwrap } from '#client/index.js';
import { deliveryPayload } from '#shared/webhooks/payload.js';
import { signedHeaders } from '#shared/webhooks/signature.js';

type Event = components['schemas']['Event'];

/** An event stored this long after it happened is still forwarded (the consumer stores events asynchronously). */
const LATE_MS = 5 * 60_000;
/** As the deliverer: 10 s per attempt, redirects never followed. */
const FORWARD_TIMEOUT_MS = 10_000;

export interface Forwarded {
  event: Pick<Event, 'id' | 'type' | 'subject' | 'timestamp'>;
  /** The receiver's status code, or null when it could not be reached. */
  status: number | null;
  error: string | null;
}

export interface ListenOptions {
  client: PrsmClient;
  forwardTo: string;
  secret: string;
  type?: string | undefined;
  intervalMs: number;
  signal: AbortSignal;
  /** Called once, with the time events are forwarded from. */
  onReady(from: string): void;
  onForward(forwarded: Forwarded): void;
}

/**
 * `prsm webhooks listen`: a laptop cannot receive webhooks from AWS, so this polls `GET
 * /v1/events` from the moment it starts and POSTs each new event to `forwardTo` as the
 * deliverer would (the same body, Standard Webhooks headers, `webhook-id` the event id), signed
 * with `secret`. Events are seen once each; one the receiver refuses is reported, not retried.
 * Ends when `signal` aborts.
 */
export async function listen(options: ListenOptions): Promise<void> {
  const typeFilter = options.type ? { type: options.type } : {};
  // "Now" is the API's clock (its Date header), not the laptop's; what is already listed is old.
  const first = await options.client.GET('/v1/events', { params: { query: { ...typeFilter, limit: 100 } } });
  const listed = await unwrap(Promise.resolve(first));
  const serverDate = first.response.headers.get('date');
  const startedAt = serverDate ? new Date(serverDate) : new Date();
  const seen = new Map<string, string>(listed.items.map((event) => [event.id, event.timestamp]));
  let newest = startedAt.getTime();
  options.onReady(startedAt.toISOString());

  while (!options.signal.aborted) {
    const from = new Date(Math.max(startedAt.getTime(), newest - LATE_MS)).toISOString();
    const fresh: Event[] = [];
    for await (const event of eachItem((cursor) =>
      options.client.GET('/v1/events', {
        params: { query: { ...typeFilter, from, limit: 100, ...(cursor ? { cursor } : {}) } },
      }),
    )) {
      if (!seen.has(event.id)) fresh.push(event);
    }
    fresh.sort((a, b) => a.timestamp.localeCompare(b.timestamp) || a.id.localeCompare(b.id));
    for (const event of fresh) {
      if (options.signal.aborted) return;
      seen.set(event.id, event.timestamp);
      newest = Math.max(newest, Date.parse(event.timestamp));
      options.onForward(await forward(options, event));
    }
    for (const [id, timestamp] of seen) if (timestamp < from) seen.delete(id);
    await sleep(options.intervalMs, undefined, { signal: options.signal }).catch(() => undefined);
  }
}

async function forward(options: ListenOptions, event: Event): Promise<Forwarded> {
  const payload = deliveryPayload(event);
  const summary = { id: event.id, type: event.type, subject: event.subject, timestamp: event.timestamp };
  try {
    const response = await fetch(options.forwardTo, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...signedHeaders([options.secret], event.id, new Date(), payload),
      },
      body: payload,
      redirect: 'manual',
      signal: AbortSignal.any([options.signal, AbortSignal.timeout(FORWARD_TIMEOUT_MS)]),
    });
    await response.body?.cancel();
    return { event: summary, status: response.status, error: null };
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    return { event: summary, status: null, error: cause instanceof Error ? cause.message : String(cause) };
  }
}
