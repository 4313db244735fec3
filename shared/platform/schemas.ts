import * as z from 'zod';
import { record } from './records.js';

/** Shared request and response building blocks. */
export const idOf = (prefix: string) =>
  z.string().regex(new RegExp(`^${prefix}_[0-9A-Za-z]{1,40}$`), `must be a ${prefix}_... id`);

/** Free text a person wrote: bounded, without control characters. */
export const text = (max: number) =>
  z
    .string()
    .max(max)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
    .regex(/^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/, 'must not contain control characters');

export const ftns = z.string().meta({ description: 'FTNS as a decimal string', example: '29.99' });
export const timestamp = z.iso.datetime();

/** A budget category's name. */
export const categorySlug = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,62}$/, 'must be a slug such as model_inference');

/**
 * `z.record` for keys users choose: the parsed record has no prototype (see records.ts), and a
 * key `__proto__` is a 422 naming it, where `z.record` would drop it silently (neither zod nor
 * DynamoDB's marshalling can keep such a key).
 */
export const keyedRecord = <K extends z.ZodType<string, string>, V extends z.ZodType>(key: K, value: V) =>
  z
    .preprocess(
      (input, ctx) => {
        if (typeof input === 'object' && input !== null && Object.hasOwn(input, '__proto__'))
          ctx.addIssue({ code: 'custom', path: ['__proto__'], message: 'is a reserved name', input });
        return input;
      },
      z.record(key, value),
    )
    .transform((parsed) => record(Object.entries(parsed) as [string, z.output<V>][]));
