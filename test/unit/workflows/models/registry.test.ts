import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readModelSettings } from '#shared/workflows/models/config.js';
import { modelRegistry } from '#shared/workflows/models/registry.js';
import type { CallRecord } from '#shared/workflows/models/types.js';
import { completion, type FakeOpenAi, startFakeOpenAi } from '../../../support/fake-models/openai-server.js';
import { fixedClock, memoryBreakerStore, seams } from './support.js';

let fake: FakeOpenAi;
beforeAll(async () => {
  fake = await startFakeOpenAi();
});
afterAll(() => fake.close());

describe('the models of a container, by role and phase', () => {
  it('asks each phase its role’s model, keeps one client and breaker per model, and none for the audit phases', async () => {
    const settings = readModelSettings({
      PRSM_MODEL_PROVIDER: 'openai',
      PRSM_MODEL_BASE_URL: fake.baseUrl,
      PRSM_MODEL_API_KEY: 'sk-local',
      PRSM_MODEL_TEACHER: 'qwen2.5:32b',
      PRSM_MODEL_STUDENT: 'qwen2.5:3b',
      PRSM_MODEL_PHASE_PROMPTER: 'teacher',
    });
    const calls: CallRecord[] = [];
    const store = memoryBreakerStore();
    const models = modelRegistry(settings, {
      clock: fixedClock(),
      breakerStore: store,
      retry: seams().retry,
      onCall: (call) => calls.push(call),
    });
    const phases = ['teacher', 'prompter', 'codegen', 'student', 'multi_agent'];
    for (const _ of phases) fake.answer(completion('ok'));
    for (const phase of phases) {
      await models
        .forPhase(phase)!
        .chat({ messages: [{ role: 'user', content: phase }], maxOutputTokens: 50 });
    }
    expect(fake.requests().map((r) => [r.messages[0]!.content, r.model])).toEqual([
      ['teacher', 'qwen2.5:32b'],
      ['prompter', 'qwen2.5:32b'],
      ['codegen', 'qwen2.5:32b'],
      ['student', 'qwen2.5:3b'],
      ['multi_agent', 'qwen2.5:3b'],
    ]);
    expect(models.forPhase('teacher')).toBe(models.forRole('teacher'));
    expect(models.forPhase('security')).toBeNull();
    expect(models.forPhase('settlement')).toBeNull();
    expect([...store.loaded].sort()).toEqual(['model:openai:qwen2.5:32b', 'model:openai:qwen2.5:3b']);
    expect(calls.map((c) => c.model)).toEqual(fake.requests().map((r) => r.model));
  });
});
