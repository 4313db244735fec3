import * as z from 'zod';

/** One try of a delivery, as the delivery log shows it. */
export interface DeliveryAttempt {
  attempt: number;
  at: string;
  succeeded: boolean;
  responseCode: number | null;
  latencyMs: number;
  error: string | null;
}

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed' | 'skipped';

/** One event for one endpoint: its payload, signed afresh at each attempt. */
export interface Delivery {
  id: string;
  endpointId: string;
  ownerId: string;
  eventId: string;
  eventType: string;
  payload: string;
  status: DeliveryStatus;
  attempts: DeliveryAttempt[];
  nextAttemptAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** What the deliveries queue carries: which attempt of which delivery, and not before when. */
export const deliveryMessageSchema = z.object({
  deliveryId: z.string().min(1),
  endpointId: z.string().min(1),
  attempt: z.number().int().min(1),
  notBefore: z.iso.datetime(),
  /** A retry asked for through the API: one attempt, no schedule after it. */
  manual: z.boolean().default(false),
});
export type DeliveryMessage = z.infer<typeof deliveryMessageSchema>;

/** Deliveries are kept 30 days. */
export const DELIVERY_RETENTION_SECONDS = 30 * 24 * 3600;

export const deliveryKey = (endpointId: string, deliveryId: string) => ({
  pk: `WEBHOOK#${endpointId}`,
  sk: `DELIVERY#${deliveryId}`,
});
/** An endpoint's deliveries by creation time (gsi2). */
export const endpointDeliveriesPartition = (endpointId: string) => `WEBHOOK_DELIVERIES#${endpointId}`;

export function deliveryOf(item: Record<string, unknown>): Delivery {
  return {
    id: String(item.id),
    endpointId: String(item.endpointId),
    ownerId: String(item.ownerId),
    eventId: String(item.eventId),
    eventType: String(item.eventType),
    payload: String(item.payload),
    status: item.status as DeliveryStatus,
    attempts: ((item.attempts as DeliveryAttempt[] | undefined) ?? []).map((a) => ({
      attempt: Number(a.attempt),
      at: String(a.at),
      succeeded: Boolean(a.succeeded),
      responseCode: a.responseCode === null || a.responseCode === undefined ? null : Number(a.responseCode),
      latencyMs: Number(a.latencyMs),
      error: (a.error ?? null) as string | null,
    })),
    nextAttemptAt: (item.nextAttemptAt ?? null) as string | null,
    createdAt: String(item.createdAt),
    updatedAt: String(item.updatedAt),
  };
}
