import * as z from 'zod';

/**
 * The storage boundary: each entity's item is decoded by one zod schema, so an item that is not
 * what the code wrote (a bug, a hand edit, a half-migrated attribute) fails loudly where it is
 * read instead of flowing on as `undefined` or `NaN`. Integers come back from the table as
 * bigint (see table.ts), numbers with a fraction as number.
 */
export const storedMicro = z.union([z.bigint(), z.int()]).transform((value) => BigInt(value));
/** A money figure that older items may lack: zero. */
export const storedMicroOrZero = storedMicro.optional().transform((value) => value ?? 0n);
export const storedInt = z.union([z.bigint(), z.number()]).transform(Number);
export const storedString = z.string();

export class CorruptItemError extends Error {
  constructor(entity: string, key: string, issues: string) {
    super(`the stored ${entity} ${key} does not decode: ${issues}`);
    this.name = 'CorruptItemError';
  }
}

/** A decoder for one entity's items. */
export function itemCodec<T>(entity: string, schema: z.ZodType<T>) {
  return (item: Record<string, unknown>): T => {
    const parsed = schema.safeParse(item);
    if (!parsed.success) {
      throw new CorruptItemError(
        entity,
        `${String(item.pk)}/${String(item.sk)}`,
        z.prettifyError(parsed.error),
      );
    }
    return parsed.data;
  };
}
