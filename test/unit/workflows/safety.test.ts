import { describe, expect, it } from 'vitest';
import { ValidationError } from '#platform/errors.js';
import {
  DEFAULT_POLICY,
  passes,
  type SafetyPolicy,
  scoreText,
  screenPrompt,
} from '#shared/workflows/safety.js';

const policy: SafetyPolicy = {
  ...DEFAULT_POLICY,
  phrases: { dangerous: ['nerve agent', 'malware'], privacy: ['home address of'], bias: ['all women are'] },
};

const codeOf = (prompt: string): string | undefined => {
  try {
    screenPrompt(prompt, policy);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).code;
  }
};

describe('Safety: the original score', () => {
  it('starts at 1.0 and loses 0.2 per dangerous, 0.15 per privacy and 0.1 per bias phrase', () => {
    expect(scoreText('quantum photonics', policy).score).toBe(100);
    expect(scoreText('malware', policy).score).toBe(80);
    expect(scoreText('the home address of someone', policy).score).toBe(85);
    expect(scoreText('all women are', policy).score).toBe(90);
    expect(scoreText('malware, a nerve agent, the home address of X; all women are', policy).score).toBe(35);
  });

  it('counts each phrase once, matches whole words case- and spacing-insensitively, never below 0', () => {
    expect(scoreText('MALWARE malware Malware', policy)).toMatchObject({
      score: 80,
      matches: { dangerous: ['malware'] },
    });
    expect(scoreText('a  Nerve\n Agent', policy).score).toBe(80);
    expect(scoreText('antimalware', policy).score).toBe(100);
    const many = { ...policy, phrases: { ...policy.phrases, dangerous: ['a', 'b', 'c', 'd', 'e', 'f'] } };
    expect(scoreText('a b c d e f', many).score).toBe(0);
  });

  it('passes at the threshold and fails below it', () => {
    expect(passes(70, { threshold: 70 })).toBe(true);
    expect(passes(69, { threshold: 70 })).toBe(false);
  });
});

describe('Safety: the prompt screen', () => {
  it.each([
    ['', 'prompt_empty'],
    [' \n\t ', 'prompt_empty'],
    ['x'.repeat(8001), 'prompt_too_long'],
    ['bell \u0007', 'prompt_control_characters'],
    ['escape \u001b[31m', 'prompt_control_characters'],
    ['malware and a nerve agent', 'prompt_unsafe'],
    ['malware at the home address of', 'prompt_unsafe'],
  ])('refuses %j with %s', (prompt, code) => {
    expect(codeOf(prompt)).toBe(code);
  });

  it('admits tabs, line breaks, 8000 characters and one dangerous phrase (0.8)', () => {
    expect(codeOf('line one\n\tline two')).toBeUndefined();
    expect(codeOf('é'.repeat(8000))).toBeUndefined();
    expect(screenPrompt('malware detection techniques', policy)).toEqual({
      score: 80,
      threshold: 70,
      matches: { dangerous: 1, privacy: 0, bias: 0 },
    });
  });
});
