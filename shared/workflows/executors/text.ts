/** Small, deterministic text analysis for the built-in executors: no model, no network. */

const STOPWORDS = new Set(
  (
    'a an and are as at be by for from has have how in into is it its of on or that the their this to ' +
    'was were what when where which while who why will with within without can could should would may ' +
    'might do does did using use used via about between over under than then them these those there ' +
    'our your my we you i they he she not no yes also more most very such some any each all both ' +
    'analyze analyse analysis study investigate explore research develop development advanced new'
  ).split(' '),
);

export interface Keyword {
  term: string;
  count: number;
  /** Frequency weighted by length (longer terms carry more meaning), 3 decimals. */
  weight: number;
}

export function words(text: string): string[] {
  return text.toLowerCase().match(/[a-z][a-z0-9-]*[a-z0-9]|[a-z]/g) ?? [];
}

/** The most telling terms of a text, ties broken alphabetically so the order is stable. */
export function keywords(text: string, limit = 8): Keyword[] {
  const counts = new Map<string, number>();
  for (const word of words(text)) {
    if (word.length < 3 || STOPWORDS.has(word)) continue;
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return [...counts]
    .map(([term, count]) => ({
      term,
      count,
      weight: Math.round(count * (1 + term.length / 10) * 1000) / 1000,
    }))
    .sort((a, b) => b.weight - a.weight || a.term.localeCompare(b.term))
    .slice(0, limit);
}

const DOMAINS: Record<string, string[]> = {
  physics: [
    'quantum',
    'field',
    'fields',
    'particle',
    'photon',
    'photonic',
    'photonics',
    'optical',
    'optics',
    'laser',
    'wave',
    'interactions',
    'energy',
    'relativity',
  ],
  materials: ['material', 'materials', 'crystal', 'lattice', 'semiconductor', 'alloy', 'polymer', 'graphene'],
  biology: ['gene', 'genes', 'protein', 'proteins', 'cell', 'cells', 'genome', 'enzyme', 'organism'],
  chemistry: ['molecule', 'molecular', 'reaction', 'catalyst', 'compound', 'synthesis', 'chemical'],
  computing: ['algorithm', 'neural', 'network', 'model', 'models', 'data', 'software', 'learning', 'compute'],
  climate: ['climate', 'carbon', 'emission', 'emissions', 'weather', 'ocean', 'atmosphere'],
  medicine: ['clinical', 'patient', 'patients', 'disease', 'drug', 'therapy', 'diagnosis'],
  economics: ['market', 'markets', 'price', 'prices', 'economic', 'finance', 'financial', 'trade'],
  engineering: ['system', 'systems', 'design', 'device', 'devices', 'circuit', 'control', 'sensor'],
};

/** Domains a text touches, strongest first; `general` when none. */
export function domains(text: string): { domain: string; hits: number }[] {
  const seen = new Set(words(text));
  const found = Object.entries(DOMAINS)
    .map(([domain, terms]) => ({ domain, hits: terms.filter((term) => seen.has(term)).length }))
    .filter((entry) => entry.hits > 0)
    .sort((a, b) => b.hits - a.hits || a.domain.localeCompare(b.domain));
  return found.length > 0 ? found : [{ domain: 'general', hits: 0 }];
}

/** A Python identifier from a term: `photonic-system` -> `photonic_system`. */
export const identifier = (term: string): string => term.replace(/[^a-z0-9]+/g, '_').replace(/^(\d)/, '_$1');

/** A stable number in [0, 1) from a text (for deterministic, text-dependent figures). */
export function unitHash(text: string): number {
  let hash = 2166136261;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 16777619);
  }
  return (hash >>> 0) / 2 ** 32;
}

export const round = (value: number, decimals = 3): number => {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
};

/**
 * What a compliance check looks for. Credentials fail an artifact outright; personal data is
 * reported (a prompt may legitimately name a contact) but does not.
 */
export const SENSITIVE_PATTERNS: { name: string; kind: 'credential' | 'personal'; pattern: RegExp }[] = [
  { name: 'AWS access key', kind: 'credential', pattern: /\bAKIA[0-9A-Z]{16}\b/ },
  { name: 'API secret', kind: 'credential', pattern: /\b(sk|prsm)_[A-Za-z0-9_-]{20,}/ },
  { name: 'private key', kind: 'credential', pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
  { name: 'email address', kind: 'personal', pattern: /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/ },
  {
    name: 'phone number',
    kind: 'personal',
    pattern: /(?:\+\d{1,3}[\s-]?)?\(?\b\d{3}\)?[\s-]\d{3}[\s-]\d{4}\b/,
  },
];
