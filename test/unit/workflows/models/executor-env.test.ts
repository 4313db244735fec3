import { describe, expect, it } from 'vitest';
import { readExecutorEnv } from '#shared/workflows/executors/select.js';

describe('the executor settings read through the model settings', () => {
  it('keeps PRSM_WORKFLOW_EXECUTOR=openai with PRSM_MODEL_BASE_URL and PRSM_MODEL_NAME working as before', () => {
    const env = readExecutorEnv({
      PRSM_WORKFLOW_EXECUTOR: 'openai',
      PRSM_MODEL_BASE_URL: 'http://127.0.0.1:8000/v1',
      PRSM_MODEL_NAME: 'fake-model',
      PRSM_MODEL_API_KEY: 'sk-test',
    });
    expect(env.models).toMatchObject({
      provider: 'openai',
      roles: { teacher: 'fake-model', student: 'fake-model' },
      openai: { baseUrl: 'http://127.0.0.1:8000/v1', apiKey: 'sk-test' },
      timeoutMs: 20_000,
    });
  });

  it('offers the models only when a provider is configured, and refuses settings that disagree', () => {
    expect(readExecutorEnv({}).models).toBeNull();
    expect(readExecutorEnv({ PRSM_MODEL_PROVIDER: 'bedrock' })).toMatchObject({
      PRSM_WORKFLOW_EXECUTOR: 'builtin',
      models: { provider: 'bedrock' },
    });
    expect(readExecutorEnv({ PRSM_WORKFLOW_EXECUTOR: 'bedrock' }).models).toMatchObject({
      provider: 'bedrock',
    });
    expect(() => readExecutorEnv({ PRSM_MODEL_PROVIDER: 'nonsense' })).toThrow(/PRSM_MODEL_PROVIDER/);
    expect(() => readExecutorEnv({ PRSM_WORKFLOW_EXECUTOR: 'openai' })).toThrow(/PRSM_MODEL_BASE_URL/);
    expect(() =>
      readExecutorEnv({ PRSM_WORKFLOW_EXECUTOR: 'openai', PRSM_MODEL_PROVIDER: 'bedrock' }),
    ).toThrow(/PRSM_MODEL_PROVIDER must be openai or unset/);
  });
});
