import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '#platform/clock.js';
import { ValidationError } from '#platform/errors.js';
import type { Table } from '#platform/table.js';
import type { Screening } from './workflow.js';

/**
 * The original's safety score: a text starts at 1.0 and loses 0.2 per dangerous phrase, 0.15 per
 * privacy phrase and 0.1 per bias phrase it contains (each distinct phrase once). Scores are kept
 * in hundredths so that no float ever decides a refusal. The phrase lists and the threshold are
 * data, editable by admins; these are the defaults.
 */
export type PhraseList = 'dangerous' | 'privacy' | 'bias';
export const PHRASE_LISTS: readonly PhraseList[] = ['dangerous', 'privacy', 'bias'];
export const PENALTY: Record<PhraseList, number> = { dangerous: 20, privacy: 15, bias: 10 };

export interface SafetyPolicy {
  /** Below this score (hundredths) a text fails: a prompt is refused, an artifact fails the audit. */
  threshold: number;
  phrases: Record<PhraseList, string[]>;
  updatedAt: string | null;
  updatedBy: string | null;
}

export const DEFAULT_POLICY: SafetyPolicy = {
  // One dangerous phrase alone (0.80) passes: research on, say, malware detection is legitimate.
  // Two (0.60), or one with a privacy phrase (0.65), do not.
  threshold: 70,
  phrases: {
    dangerous: [
      'bioweapon',
      'chemical weapon',
      'nerve agent',
      'build a bomb',
      'make a bomb',
      'explosive device',
      'weaponize',
      'ransomware',
      'malware',
      'exploit code',
      'zero-day exploit',
      'bypass security',
      'self-harm',
      'kill people',
    ],
    privacy: [
      'social security number',
      'credit card number',
      'home address of',
      'medical records of',
      'password of',
      'private messages of',
      'track the location of',
      'personal data of',
      'without their consent',
      'dox',
    ],
    bias: [
      'inferior race',
      'superior race',
      'all women are',
      'all men are',
      'naturally better at',
      'those people are',
      'stereotype',
      'illegal aliens',
    ],
  },
  updatedAt: null,
  updatedBy: null,
};

export const MAX_PROMPT_CHARS = 8000;

const policyKey = { pk: 'SAFETY', sk: 'POLICY' };

export async function getSafetyPolicy(table: Table): Promise<SafetyPolicy> {
  const { Item } = await table.doc.send(new GetCommand({ TableName: table.name, Key: policyKey }));
  if (!Item) return DEFAULT_POLICY;
  const phrases = (Item.phrases ?? {}) as Partial<Record<PhraseList, string[]>>;
  return {
    threshold: Number(Item.threshold ?? DEFAULT_POLICY.threshold),
    phrases: {
      dangerous: phrases.dangerous ?? DEFAULT_POLICY.phrases.dangerous,
      privacy: phrases.privacy ?? DEFAULT_POLICY.phrases.privacy,
      bias: phrases.bias ?? DEFAULT_POLICY.phrases.bias,
    },
    updatedAt: Item.updatedAt ? String(Item.updatedAt) : null,
    updatedBy: Item.updatedBy ? String(Item.updatedBy) : null,
  };
}

export interface PolicyChange {
  threshold?: number;
  phrases?: Partial<Record<PhraseList, string[]>>;
}

/** Replaces the given parts of the policy; lists are stored normalised (lower case, deduplicated). */
export async function setSafetyPolicy(
  table: Table,
  change: PolicyChange,
  by: string,
  clock: Clock,
): Promise<SafetyPolicy> {
  const current = await getSafetyPolicy(table);
  const next: SafetyPolicy = {
    threshold: change.threshold ?? current.threshold,
    phrases: {
      dangerous: normalisePhrases(change.phrases?.dangerous ?? current.phrases.dangerous),
      privacy: normalisePhrases(change.phrases?.privacy ?? current.phrases.privacy),
      bias: normalisePhrases(change.phrases?.bias ?? current.phrases.bias),
    },
    updatedAt: clock.now().toISOString(),
    updatedBy: by,
  };
  await table.doc.send(new PutCommand({ TableName: table.name, Item: { ...policyKey, ...next } }));
  return next;
}

const normalisePhrases = (phrases: string[]): string[] => [
  ...new Set(phrases.map((phrase) => normalise(phrase)).filter((phrase) => phrase.length > 0)),
];

const INVISIBLE = /[\u200b-\u200f\u2060-\u2064\ufeff\u00ad]/g;

/**
 * NFKC (full-width and ligature look-alikes become their plain letters), zero-width characters
 * removed, lower case, one space between words: phrases match however the text disguises them.
 */
export const normalise = (text: string): string =>
  visibleText(text).toLowerCase().replace(/\s+/g, ' ').trim();

/** The text as a reader sees it: NFKC, without zero-width characters. */
export const visibleText = (text: string): string => text.normalize('NFKC').replace(INVISIBLE, '');

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether `phrase` occurs in `text` as whole words ("dox" does not match "paradox"). */
const contains = (text: string, phrase: string): boolean =>
  new RegExp(`(^|[^a-z0-9])${escapeRegExp(phrase)}($|[^a-z0-9])`).test(text);

export interface SafetyScore {
  /** Hundredths: 100 is 1.0, never below 0. */
  score: number;
  matches: Record<PhraseList, string[]>;
}

export function scoreText(text: string, policy: Pick<SafetyPolicy, 'phrases'>): SafetyScore {
  const normalised = normalise(text);
  const matches = {} as Record<PhraseList, string[]>;
  let score = 100;
  for (const list of PHRASE_LISTS) {
    matches[list] = policy.phrases[list].filter((phrase) => contains(normalised, phrase));
    score -= PENALTY[list] * matches[list].length;
  }
  return { score: Math.max(0, score), matches };
}

export const passes = (score: number, policy: Pick<SafetyPolicy, 'threshold'>): boolean =>
  score >= policy.threshold;

export const formatScore = (hundredths: number): number => hundredths / 100;

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/**
 * The screen every submitted prompt passes before anything is held: not empty, not too long, no
 * control characters (tabs and line breaks are text), and a safety score at the threshold or above.
 */
export function screenPrompt(prompt: string, policy: SafetyPolicy): Screening {
  const refuse = (code: string, message: string, detail: string): never => {
    throw new ValidationError([{ path: 'body.prompt', message }], detail, code);
  };
  if (prompt.trim().length === 0) refuse('prompt_empty', 'must not be empty', 'The prompt is empty');
  if ([...prompt].length > MAX_PROMPT_CHARS) {
    refuse(
      'prompt_too_long',
      `must be at most ${MAX_PROMPT_CHARS} characters`,
      `The prompt is longer than ${MAX_PROMPT_CHARS} characters`,
    );
  }
  if (CONTROL.test(prompt)) {
    refuse(
      'prompt_control_characters',
      'must not contain control characters',
      'The prompt contains control characters',
    );
  }
  const { score, matches } = scoreText(prompt, policy);
  if (!passes(score, policy)) {
    const found = PHRASE_LISTS.filter((list) => matches[list].length > 0)
      .map((list) => `${matches[list].length} ${list}`)
      .join(', ');
    refuse(
      'prompt_unsafe',
      `safety score ${formatScore(score)} is below ${formatScore(policy.threshold)}`,
      `The prompt failed the safety screen: score ${formatScore(score)} (${found} phrase(s)), below the threshold ${formatScore(policy.threshold)}`,
    );
  }
  return {
    score,
    threshold: policy.threshold,
    matches: {
      dangerous: matches.dangerous.length,
      privacy: matches.privacy.length,
      bias: matches.bias.length,
    },
  };
}
