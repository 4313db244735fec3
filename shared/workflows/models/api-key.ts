import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { clientSettings } from '#platform/aws-clients.js';

/**
 * The OpenAI-compatible provider's key: from Secrets Manager on AWS (read once per container,
 * the promise cached; a failed read is not cached, so the next call tries again), or from
 * PRSM_MODEL_API_KEY locally. The key lives in memory only: never in a log or an error.
 */
export type ApiKeySource = () => Promise<string | undefined>;

export const fixedApiKey =
  (key: string | undefined): ApiKeySource =>
  async () =>
    key;

/** The secret's string is the key itself, or JSON with an `apiKey` field (the console's key/value form). */
export function keyOfSecret(secretString: string): string {
  const text = secretString.trim();
  if (text.startsWith('{')) {
    const parsed = JSON.parse(text) as { apiKey?: unknown };
    if (typeof parsed.apiKey !== 'string' || parsed.apiKey === '') {
      throw new Error('the model API key secret is JSON without a non-empty "apiKey" field');
    }
    return parsed.apiKey;
  }
  if (text === '') throw new Error('the model API key secret is empty');
  return text;
}

export function secretApiKey(
  secretId: string,
  client: Pick<SecretsManagerClient, 'send'> = new SecretsManagerClient(clientSettings({ maxAttempts: 3 })),
): ApiKeySource {
  let cached: Promise<string> | undefined;
  return () => {
    cached ??= (async () => {
      const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
      if (SecretString === undefined) throw new Error(`secret ${secretId} has no string value`);
      return keyOfSecret(SecretString);
    })().catch((error: unknown) => {
      cached = undefined;
      // The SDK's message names the secret, not its value; ours says which secret.
      throw new Error(`model API key not read from ${secretId}: ${(error as Error).name}`);
    });
    return cached;
  };
}
