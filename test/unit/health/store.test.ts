import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { Table } from '#platform/table.js';
import { latestReport, reportHistory, saveReport } from '#shared/health/store.js';
import type { HealthReport } from '#shared/health/sweep.js';

/** A table that records the commands it is sent and answers with no items. */
function recordingTable() {
  const inputs: Record<string, unknown>[] = [];
  const doc = {
    send: async (command: { input: Record<string, unknown> }) => {
      inputs.push(command.input);
      return { Items: [] };
    },
  } as unknown as DynamoDBDocumentClient;
  return { table: { name: 'table', doc } satisfies Table, inputs };
}

const now = new Date('2026-11-25T12:00:00.000Z');
const clock = { now: () => now };

describe('Health: the sweep store', () => {
  it('stores a sweep under its time and id, expiring 30 days later', async () => {
    const { table, inputs } = recordingTable();
    await saveReport(table, { id: 'hs_1', checkedAt: now.toISOString() } as HealthReport);
    expect(inputs[0]?.Item).toMatchObject({
      pk: 'HEALTH#SWEEPS',
      sk: '2026-11-25T12:00:00.000Z#hs_1',
      expiresAt: now.getTime() / 1000 + 30 * 24 * 3600,
    });
  });

  it('never reads a sweep older than 30 days, whatever the TTL has not deleted yet', async () => {
    const { table, inputs } = recordingTable();
    expect(await latestReport(table, clock)).toBeUndefined();
    await reportHistory(table, { limit: 10 }, clock);
    for (const input of inputs) {
      expect(input.KeyConditionExpression).toBe('pk = :pk AND sk > :oldest');
      expect(input.ExpressionAttributeValues).toMatchObject({ ':oldest': '2026-10-26T12:00:00.000Z' });
      expect(input.ScanIndexForward).toBe(false);
    }
    expect(inputs).toHaveLength(2);
  });
});
