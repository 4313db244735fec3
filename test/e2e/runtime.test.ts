import { GetQueueUrlCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '#platform/table.js';
import { eventsAbout } from '#shared/notifications/store.js';
import { type ApiResponse, apiClient } from '../support/http.js';
import { awsClients } from '../support/resources.js';
import { type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process.js';
import { GENEROUS_WAIT_MS } from '../support/waits.js';

/** `npm start`'s runtime as a user meets it: over HTTP, through its queues and on its schedule. */
let runtime: RuntimeProcess;
let api: (method: string, path: string) => Promise<ApiResponse>;

beforeAll(async () => {
  runtime = await startRuntimeProcess(import.meta.filename, { PRSM_SCHEDULE_INTERVAL_SECONDS: '2' });
  api = apiClient(runtime.url);
});

afterAll(async () => {
  expect(await runtime.stop()).toBe(0);
});

const eventually = async <T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = GENEROUS_WAIT_MS,
): Promise<T> => {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
};

describe('Local runtime: HTTP', () => {
  it('serves GET /v1/health from the sweep that ran at start', async () => {
    const response = await api('GET', '/v1/health');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBeTruthy();
    expect(response.body).toMatchObject({ status: 'ok', score: 100 });
  });

  it('serves a valid OpenAPI 3.1 document that lists the manifest routes', async () => {
    const response = await api('GET', '/v1/openapi.json');
    expect(response.status).toBe(200);
    const document = response.body;
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/v1/health', '/v1/openapi.json']));
  });

  it('answers an unknown route with 404 problem+json', async () => {
    const response = await api('DELETE', '/v2/nothing-here');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.body.code).toBe('not_found');
  });
});

describe('Local runtime: queues and schedules', () => {
  it('processes a message sent to the notifications queue', async () => {
    const { sqs, dynamo } = awsClients();
    const { QueueUrl } = await sqs.send(
      new GetQueueUrlCommand({ QueueName: `${runtime.prefix}-notifications` }),
    );
    const event = {
      eventId: 'e2e-1',
      type: 'test.ping',
      occurredAt: new Date().toISOString(),
      subject: 'e2e',
      data: {},
    };
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify(event) }));
    const table = { name: `${runtime.prefix}-table`, doc: documentClient(dynamo) };
    const stored = await eventually(async () => {
      const events = await eventsAbout(table, 'e2e');
      return events.length > 0 ? events : undefined;
    });
    expect(stored).toEqual([event]);
  });

  it('fires the health sweep on its schedule with no manual call', async () => {
    const first: string = (await api('GET', '/v1/health')).body.checkedAt;
    const later = await eventually(async () => {
      const { checkedAt } = (await api('GET', '/v1/health')).body;
      return checkedAt !== first ? (checkedAt as string) : undefined;
    });
    expect(Date.parse(later)).toBeGreaterThan(Date.parse(first));
  });
});
