import { createServer, type Server, type Socket } from 'node:net';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientSettings, SDK_LIMITS } from '#platform/aws-clients.js';

/** An endpoint that accepts connections and never answers: what a paused AWS looks like. */
let server: Server;
let endpoint: string;
const sockets: Socket[] = [];
let requests = 0;

beforeAll(async () => {
  server = createServer((socket) => {
    sockets.push(socket);
    socket.once('data', () => {
      requests += 1;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

describe('SDK clients: time limits set in one place', () => {
  it('gives up on an endpoint that never answers, after the bounded attempts, as a transient TimeoutError', async () => {
    const client = new DynamoDBClient({
      ...clientSettings(),
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const call = client.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'x' } } }));
    await expect(call).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(requests).toBe(SDK_LIMITS.maxAttempts);
    client.destroy();
  });

  it('sets connection and request timeouts and a retry bound on every client', () => {
    const settings = clientSettings();
    expect(settings.maxAttempts).toBe(SDK_LIMITS.maxAttempts);
    expect(settings.requestHandler.connectionTimeout).toBeGreaterThan(0);
    expect(settings.requestHandler.requestTimeout).toBeGreaterThan(0);
    expect(settings.requestHandler.throwOnRequestTimeout).toBe(true);
  });
});
