import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Clock } from '#platform/clock.js';
import { logger } from '#platform/logger.js';
import { type BreakerStore, circuitBreaker } from '../executors/circuit-breaker.js';
import { type ApiKeySource, fixedApiKey, secretApiKey } from './api-key.js';
import { bedrockClient, bedrockTransport } from './bedrock.js';
import { modelCircuitName, modelClient } from './client.js';
import type { ModelRole, ModelSettings } from './config.js';
import { openAiTransport } from './openai.js';
import type { RetryPolicy } from './retry.js';
import type { Transport } from './transport.js';
import type { CallRecord, ModelClient } from './types.js';

/**
 * The models of a container, built from the settings on first use and kept: one transport per
 * provider (one SDK client, one key read), one client and one circuit breaker per model.
 */
export interface ModelDeps {
  clock: Clock;
  /** Where breakers keep their state (the table); none: no breaker. */
  breakerStore?: BreakerStore;
  retry?: Partial<RetryPolicy>;
  fetch?: typeof fetch;
  bedrock?: BedrockRuntimeClient;
  secrets?: Pick<SecretsManagerClient, 'send'>;
  onCall?: (call: CallRecord) => void;
}

export interface ModelRegistry {
  readonly settings: ModelSettings;
  forRole(role: ModelRole): ModelClient;
  forModel(model: string): ModelClient;
  /** The model a generative phase asks; null for the phases that ask none. */
  forPhase(phaseId: string): ModelClient | null;
}

/** Every exchange in the log, without messages or key: what it cost and how it went. */
export const logCall = (call: CallRecord): void => {
  const fields = {
    provider: call.provider,
    model: call.model,
    attempt: call.attempt,
    purpose: call.purpose,
    outcome: call.outcome,
    status: call.status,
    usage: call.usage,
    latencyMs: Math.round(call.latencyMs),
  };
  if (call.outcome === 'ok') logger.info('model call', fields);
  else logger.warn('model call failed', { ...fields, error: call.error });
};

export function modelRegistry(settings: ModelSettings, deps: ModelDeps): ModelRegistry {
  let transport: Transport | undefined;
  const clients = new Map<string, ModelClient>();

  const transportOf = (): Transport => {
    if (transport) return transport;
    if (settings.provider === 'bedrock') {
      transport = bedrockTransport({
        client: deps.bedrock ?? bedrockClient(settings.bedrock.region),
        structuredOutput: settings.bedrock.structuredOutput,
      });
    } else {
      const openai = settings.openai!;
      const apiKey: ApiKeySource = openai.apiKeySecret
        ? secretApiKey(openai.apiKeySecret, deps.secrets)
        : fixedApiKey(openai.apiKey);
      transport = openAiTransport({ baseUrl: openai.baseUrl, apiKey, fetch: deps.fetch });
    }
    return transport;
  };

  const forModel = (model: string): ModelClient => {
    let client = clients.get(model);
    if (!client) {
      const name = modelCircuitName(settings.provider, model);
      client = modelClient({
        transport: transportOf(),
        model,
        timeoutMs: settings.timeoutMs,
        retry: { maxAttempts: settings.maxAttempts, ...deps.retry },
        onCall: deps.onCall ?? logCall,
        ...(deps.breakerStore
          ? {
              breaker: circuitBreaker({
                name,
                store: deps.breakerStore,
                clock: deps.clock,
                onStoreError: (error) =>
                  logger.warn('circuit breaker state not recorded', { error: String(error) }),
              }),
            }
          : {}),
      });
      clients.set(model, client);
    }
    return client;
  };

  return {
    settings,
    forRole: (role) => forModel(settings.roles[role]),
    forModel,
    forPhase(phaseId) {
      const phase = settings.phases[phaseId];
      return phase ? forModel(phase.model) : null;
    },
  };
}
