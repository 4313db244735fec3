import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API keys: `prsm_<keyId>_<secret>`, the key id visible (it is what listings show) and the
 * secret 256 random bits. Only the SHA-256 of the whole key is stored: with that much entropy
 * a slow hash adds nothing, and the lookup stays one GetItem.
 */
const KEY_PATTERN = /^prsm_([0-9a-z]{12})_([A-Za-z0-9_-]{43})$/;

export interface IssuedKey {
  keyId: string;
  /** The whole key: shown once, never stored. */
  secret: string;
  hash: string;
  prefix: string;
}

export const hashKey = (key: string): string => createHash('sha256').update(key).digest('hex');

export function issueKey(): IssuedKey {
  const keyId = randomBytes(8).toString('hex').slice(0, 12);
  const secret = `prsm_${keyId}_${randomBytes(32).toString('base64url')}`;
  return { keyId, secret, hash: hashKey(secret), prefix: `prsm_${keyId}` };
}

/** A key from a fixed secret (the local admin key); it must have the same shape. */
export function keyFromSecret(secret: string): IssuedKey {
  const match = KEY_PATTERN.exec(secret);
  if (!match?.[1])
    throw new Error('an API key looks like prsm_<12 lowercase hex or letters>_<43 base64url chars>');
  return { keyId: match[1], secret, hash: hashKey(secret), prefix: `prsm_${match[1]}` };
}

export const looksLikeKey = (text: string): boolean => KEY_PATTERN.test(text);

/** Compares stored and computed hashes without leaking how many leading characters match. */
export const sameHash = (a: string, b: string): boolean =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1];
}
