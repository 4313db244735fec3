import { randomBytes } from 'node:crypto';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretApiKey } from '#shared/workflows/models/api-key.js';
import { readModelSettings } from '#shared/workflows/models/config.js';
import { modelRegistry } from '#shared/workflows/models/registry.js';
import { completion, type FakeOpenAi, startFakeOpenAi } from '../support/fake-models/openai-server.js';

/**
 * The OpenAI-compatible provider's key read from Secrets Manager (the local AWS, moto): once
 * per container, whatever the number of calls; requests to the local AWS counted at the client.
 */
const secrets = new SecretsManagerClient({});
const suffix = randomBytes(4).toString('hex');
let fake: FakeOpenAi;

/** The real client, with its GetSecretValue requests counted. */
function countingClient() {
  const reads: string[] = [];
  return {
    reads,
    send: ((command: { input: { SecretId?: string } }) => {
      reads.push(String(command.input.SecretId));
      return secrets.send(command as never);
    }) as SecretsManagerClient['send'],
  };
}

const createSecret = async (name: string, value: string) =>
  (await secrets.send(new CreateSecretCommand({ Name: name, SecretString: value }))).ARN!;

beforeAll(async () => {
  fake = await startFakeOpenAi();
});
afterAll(() => fake.close());

describe('Model API key from Secrets Manager', () => {
  it('reads the secret once for every call of every model, and sends it as the bearer token', async () => {
    const key = `sk-live-${randomBytes(16).toString('hex')}`;
    const arn = await createSecret(`prsm/test/model-key-${suffix}`, key);
    const counted = countingClient();
    const settings = readModelSettings({
      PRSM_MODEL_PROVIDER: 'openai',
      PRSM_MODEL_BASE_URL: fake.baseUrl,
      PRSM_MODEL_API_KEY_SECRET: arn,
    });
    const models = modelRegistry(settings, {
      clock: { now: () => new Date() },
      secrets: counted,
      onCall: () => {},
    });
    fake.answer(completion('one'), completion('two'), completion('three'));
    const ask = { messages: [{ role: 'user' as const, content: 'hi' }], maxOutputTokens: 10 };
    // Concurrent first calls share the one read.
    await Promise.all([models.forRole('teacher').chat(ask), models.forRole('student').chat(ask)]);
    await models.forPhase('codegen')!.chat(ask);
    expect(counted.reads).toEqual([arn]);
    expect(fake.received.map((r) => r.headers.authorization)).toEqual([
      `Bearer ${key}`,
      `Bearer ${key}`,
      `Bearer ${key}`,
    ]);
    expect(
      fake
        .requests()
        .map((r) => r.model)
        .sort(),
    ).toEqual(['gpt-4o', 'gpt-4o', 'gpt-4o-mini']);
  });

  it('takes the apiKey field of a JSON secret', async () => {
    const name = `prsm/test/model-key-json-${suffix}`;
    await createSecret(name, JSON.stringify({ apiKey: 'sk-from-json-0000000000000000' }));
    const read = secretApiKey(name, countingClient());
    expect(await read()).toBe('sk-from-json-0000000000000000');
  });

  it('does not cache a failed read: the next call reads again', async () => {
    const counted = countingClient();
    const name = `prsm/test/not-yet-${suffix}`;
    const read = secretApiKey(name, counted);
    const error = await read().catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(`model API key not read from ${name}: ResourceNotFoundException`);
    await createSecret(name, 'sk-created-later-000000000000');
    expect(await read()).toBe('sk-created-later-000000000000');
    expect(await read()).toBe('sk-created-later-000000000000');
    expect(counted.reads).toEqual([name, name]);
  });
});
