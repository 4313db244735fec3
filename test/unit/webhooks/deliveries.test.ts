import { describe, expect, it } from 'vitest';
import { processDelivery } from '#shared/webhooks/deliveries.js';
import type { DeliveryMessage } from '#shared/webhooks/delivery.js';
import type { WebhookDeps } from '#shared/webhooks/webhook-deps.js';
import { memoryTable } from '../../support/memory-table.js';

describe('A delivery message that arrives before its time', () => {
  it('goes back on the queue for at most 15 minutes, unchanged, without a read or an attempt', async () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const enqueued: [DeliveryMessage, number][] = [];
    const table = memoryTable();
    const deps = {
      table,
      clock: { now: () => now },
      enqueue: async (message: DeliveryMessage, delay: number) => {
        enqueued.push([message, delay]);
      },
      send: async () => {
        throw new Error('no attempt may be made');
      },
    } as unknown as WebhookDeps;
    const message: DeliveryMessage = {
      deliveryId: 'dlv_1',
      endpointId: 'we_1',
      attempt: 5,
      notBefore: new Date(now.getTime() + 5 * 3600_000).toISOString(),
      manual: false,
    };
    expect(await processDelivery(deps, message)).toBe('deferred');
    expect(enqueued).toEqual([[message, 900]]);
    expect(table.items.size).toBe(0);
  });
});
