import * as z from 'zod';
import { ValidationError } from './errors.js';

/** Opaque cursors: DynamoDB's LastEvaluatedKey as base64url JSON. */
export type PageKey = Record<string, unknown>;

export function encodeCursor(key: PageKey | undefined): string | null {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;
}

export function decodeCursor(cursor: string | undefined): PageKey | undefined {
  if (!cursor) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as PageKey;
  } catch {
    // fall through to the validation error
  }
  throw new ValidationError([{ path: 'cursor', message: 'is not a cursor returned by this API' }]);
}

export const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(2048).optional(),
});

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const pageSchema = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

/** Cursor pages over a list held whole in memory (a small, computed one such as the price list), in key order. */
export function pageInMemory<T>(
  items: T[],
  keyOf: (item: T) => string,
  page: { limit: number; cursor?: string | undefined },
): Page<T> {
  const after = decodeCursor(page.cursor)?.after;
  if (page.cursor && typeof after !== 'string') {
    throw new ValidationError([{ path: 'query.cursor', message: 'is not a cursor returned by this API' }]);
  }
  const sorted = [...items].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  const rest = typeof after === 'string' ? sorted.filter((item) => keyOf(item) > after) : sorted;
  const taken = rest.slice(0, page.limit);
  const last = taken.at(-1);
  return {
    items: taken,
    nextCursor: rest.length > page.limit && last ? encodeCursor({ after: keyOf(last) }) : null,
  };
}
