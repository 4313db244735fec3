import { describe, expect, it } from 'vitest';
import { DEFAULT_MODELS, modelsInUse, readModelSettings } from '#shared/workflows/models/config.js';

const OPENAI = { PRSM_MODEL_PROVIDER: 'openai', PRSM_MODEL_BASE_URL: 'http://127.0.0.1:11434/v1' };

describe('model settings from the environment', () => {
  it('defaults Bedrock to a Sonnet-class teacher and a Nova Micro student, phase by phase', () => {
    const settings = readModelSettings({ PRSM_MODEL_PROVIDER: 'bedrock' });
    expect(settings.roles).toEqual(DEFAULT_MODELS.bedrock);
    expect(settings.roles).toEqual({
      teacher: 'us.anthropic.claude-sonnet-4-20250514-v1:0',
      student: 'amazon.nova-micro-v1:0',
    });
    expect(settings.phases).toEqual({
      teacher: { role: 'teacher', model: settings.roles.teacher },
      prompter: { role: 'student', model: settings.roles.student },
      codegen: { role: 'teacher', model: settings.roles.teacher },
      student: { role: 'student', model: settings.roles.student },
      multi_agent: { role: 'student', model: settings.roles.student },
    });
    expect(settings).toMatchObject({
      timeoutMs: 20_000,
      maxAttempts: 3,
      openai: null,
      bedrock: { structuredOutput: 'tool' },
    });
  });

  it('defaults OpenAI to gpt-4o and gpt-4o-mini; the teacher and student variables replace them', () => {
    expect(readModelSettings(OPENAI).roles).toEqual({ teacher: 'gpt-4o', student: 'gpt-4o-mini' });
    const settings = readModelSettings({
      ...OPENAI,
      PRSM_MODEL_TEACHER: 'qwen2.5:32b',
      PRSM_MODEL_STUDENT: 'qwen2.5:3b',
    });
    expect(settings.roles).toEqual({ teacher: 'qwen2.5:32b', student: 'qwen2.5:3b' });
    expect(settings.openai).toEqual({ baseUrl: 'http://127.0.0.1:11434/v1' });
  });

  it('keeps PRSM_MODEL_NAME as one model for both roles, unless a role names its own', () => {
    expect(readModelSettings({ ...OPENAI, PRSM_MODEL_NAME: 'llama3.1' }).roles).toEqual({
      teacher: 'llama3.1',
      student: 'llama3.1',
    });
    expect(
      readModelSettings({ ...OPENAI, PRSM_MODEL_NAME: 'llama3.1', PRSM_MODEL_TEACHER: 'big' }).roles,
    ).toEqual({
      teacher: 'big',
      student: 'llama3.1',
    });
  });

  it('lets a phase ask the other role or a model of its own; the grants cover every model in use', () => {
    const settings = readModelSettings({
      PRSM_MODEL_PROVIDER: 'bedrock',
      PRSM_MODEL_PHASE_PROMPTER: 'teacher',
      PRSM_MODEL_PHASE_MULTI_AGENT: 'amazon.nova-lite-v1:0',
    });
    expect(settings.phases.prompter).toEqual({ role: 'teacher', model: settings.roles.teacher });
    expect(settings.phases.multi_agent).toEqual({ role: null, model: 'amazon.nova-lite-v1:0' });
    expect(modelsInUse(settings)).toEqual([
      'amazon.nova-lite-v1:0',
      'amazon.nova-micro-v1:0',
      'us.anthropic.claude-sonnet-4-20250514-v1:0',
    ]);
  });

  it('fails fast, naming every problem at once', () => {
    expect(() => readModelSettings({ PRSM_MODEL_PROVIDER: 'openai' })).toThrow(/PRSM_MODEL_BASE_URL/);
    expect(() => readModelSettings({ PRSM_MODEL_PROVIDER: 'vertex' })).toThrow(/PRSM_MODEL_PROVIDER/);
    const both = () =>
      readModelSettings({
        ...OPENAI,
        PRSM_MODEL_API_KEY: 'sk-x',
        PRSM_MODEL_API_KEY_SECRET: 'prsm/key',
        PRSM_MODEL_TIMEOUT_MS: '0',
      });
    expect(both).toThrow(/PRSM_MODEL_API_KEY_SECRET/);
    expect(both).toThrow(/PRSM_MODEL_TIMEOUT_MS/);
    expect(() => readModelSettings({ ...OPENAI, PRSM_MODEL_PHASE_CODEGEN: ' ' })).toThrow(
      /PRSM_MODEL_PHASE_CODEGEN/,
    );
  });

  it('never repeats the API key in its errors', () => {
    const key = 'sk-secret-value-that-must-not-leak';
    const error = (() => {
      try {
        readModelSettings({ ...OPENAI, PRSM_MODEL_API_KEY: key, PRSM_MODEL_API_KEY_SECRET: 'prsm/key' });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(Error);
    expect(error!.message).not.toContain(key);
  });
});
