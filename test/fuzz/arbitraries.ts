import fc from 'fast-check';

/**
 * Request arbitraries derived from a route's JSON Schema (its zod contract, as OpenAPI shows
 * it): mostly values of the right shape — so that requests get past parsing and reach the
 * domain — mixed with values of any shape, so that parsing itself is attacked too.
 */
export type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  default?: unknown;
};

/** Values that exist in the fuzzed world, by field name (user ids, budget ids, ...). */
export type KnownValues = Record<string, string[]>;

const AMOUNT_FIELDS = new Set([
  'amount',
  'price',
  'total',
  'allocation',
  'cap',
  'maxExpansion',
  'maxCost',
  'minPrice',
  'maxPrice',
]);

const amounts = fc.oneof(
  fc.constantFrom(
    '1',
    '0.01',
    '29.99',
    '1000000000',
    '0',
    '-1',
    '1e3',
    '0.0000001',
    '',
    ' 1',
    '1.',
    '01',
    'abc',
  ),
  fc
    .tuple(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 999_999 }))
    .map(([w, f]) => `${w}.${String(f).padStart(6, '0')}`),
  fc.double().map(String),
);

const nasty = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  '\u202e',
  '../',
  '%00',
  'a'.repeat(5_000),
  '{"',
  'null',
  '💸',
  '<script>',
);

/** Names JavaScript objects already have: as a user's key or slug they must be names like any other. */
export const PROTOTYPE_NAMES = ['constructor', '__proto__', 'prototype', 'toString', 'hasOwnProperty'];
const prototypeNames = fc.constantFrom(...PROTOTYPE_NAMES);

function stringFor(name: string, schema: JsonSchema, known: KnownValues): fc.Arbitrary<unknown> {
  if (AMOUNT_FIELDS.has(name)) return amounts;
  const options: fc.Arbitrary<unknown>[] = [fc.string({ maxLength: 40 }), nasty, prototypeNames];
  const values = known[name];
  if (values && values.length > 0) options.unshift(fc.constantFrom(...values), fc.constantFrom(...values));
  if (schema.pattern?.includes('a-z')) options.unshift(fc.stringMatching(/^[a-z][a-z0-9_]{0,20}$/));
  return fc.oneof(...options);
}

export function arbitraryFor(
  schema: JsonSchema | undefined,
  known: KnownValues,
  name = '',
): fc.Arbitrary<unknown> {
  const anyJson = fc.jsonValue({ maxDepth: 2 });
  if (!schema) return anyJson;
  let shaped: fc.Arbitrary<unknown>;
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (schema.enum) shaped = fc.constantFrom(...schema.enum);
  else if (schema.const !== undefined) shaped = fc.constant(schema.const);
  else if (schema.anyOf || schema.oneOf) {
    shaped = fc.oneof(...(schema.anyOf ?? schema.oneOf ?? []).map((s) => arbitraryFor(s, known, name)));
  } else if (type === 'object') {
    const properties = Object.entries(schema.properties ?? {});
    const required = new Set(schema.required ?? []);
    const record: Record<string, fc.Arbitrary<unknown>> = {};
    for (const [key, value] of properties) record[key] = arbitraryFor(value, known, key);
    const fixed = fc.record(record, { requiredKeys: [...required].filter((k) => k in record) });
    const extra =
      typeof schema.additionalProperties === 'object'
        ? fc.dictionary(
            fc.oneof(
              fc.stringMatching(/^[a-z][a-z0-9_]{0,12}$/),
              fc.string({ maxLength: 8 }),
              // As often as the others together: a record's keys are where these names do harm.
              { arbitrary: prototypeNames, weight: 2 },
            ),
            arbitraryFor(schema.additionalProperties, known, name),
            { maxKeys: 3 },
          )
        : fc.constant({});
    shaped = fc.tuple(fixed, extra).map(([a, b]) => ({ ...b, ...a }));
  } else if (type === 'array') shaped = fc.array(arbitraryFor(schema.items, known, name), { maxLength: 4 });
  else if (type === 'string') shaped = stringFor(name, schema, known);
  else if (type === 'integer') {
    shaped = fc.oneof(
      fc.integer({
        min: Math.max(schema.minimum ?? -1000, -1e9),
        max: Math.min(schema.maximum ?? 1000, 1e9),
      }),
      fc.constantFrom(-1, 0, 2 ** 31, Number.MAX_SAFE_INTEGER),
    );
  } else if (type === 'number') shaped = fc.oneof(fc.double({ noNaN: true }), fc.integer());
  else if (type === 'boolean') shaped = fc.boolean();
  else shaped = anyJson;
  // Mostly the right shape, sometimes anything at all.
  return fc.oneof({ arbitrary: shaped, weight: 6 }, { arbitrary: anyJson, weight: 1 });
}

const validAmounts = fc.oneof(
  fc.constantFrom('1', '0.01', '29.99', '5'),
  fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 99 })).map(([w, f]) => `${w}.${f}`),
);

function matching(pattern: string | undefined): fc.Arbitrary<string> | undefined {
  if (!pattern) return undefined;
  try {
    return fc.stringMatching(new RegExp(pattern));
  } catch {
    return undefined; // a pattern fast-check cannot generate from
  }
}

/**
 * Values of the schema's shape throughout, within its bounds: requests that pass parsing as a
 * whole, so that the domain meets what `arbitraryFor`'s per-field noise rarely lets through —
 * user-chosen keys and slugs named like prototype properties among them.
 */
export function wellFormedFor(
  schema: JsonSchema | undefined,
  known: KnownValues,
  name = '',
): fc.Arbitrary<unknown> {
  if (!schema) return fc.constant({});
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.const !== undefined) return fc.constant(schema.const);
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) return fc.oneof(...variants.map((s) => wellFormedFor(s, known, name)));
  if (type === 'object') {
    const fields: Record<string, fc.Arbitrary<unknown>> = {};
    for (const [key, value] of Object.entries(schema.properties ?? {}))
      fields[key] = wellFormedFor(value, known, key);
    const required = (schema.required ?? []).filter((key) => key in fields);
    const fixed = fc.record(fields, { requiredKeys: required });
    if (typeof schema.additionalProperties !== 'object') return fixed;
    const keys = [matching(schema.propertyNames?.pattern) ?? fc.string({ minLength: 1, maxLength: 12 })];
    const extra = fc.dictionary(
      fc.oneof(...keys, prototypeNames),
      wellFormedFor(schema.additionalProperties, known, name),
      { maxKeys: 3 },
    );
    return fc.tuple(fixed, extra).map(([a, b]) => ({ ...b, ...a }));
  }
  if (type === 'array') {
    const minLength = schema.minItems ?? 0;
    const maxLength = Math.max(minLength, Math.min(schema.maxItems ?? 4, 4));
    return fc.array(wellFormedFor(schema.items, known, name), { minLength, maxLength });
  }
  if (type === 'string') {
    if (AMOUNT_FIELDS.has(name)) return validAmounts;
    const values = known[name];
    if (values && values.length > 0) return fc.constantFrom(...values);
    const minLength = schema.minLength ?? 0;
    const plain = fc.string({
      minLength,
      maxLength: Math.max(minLength, Math.min(schema.maxLength ?? 40, 40)),
    });
    const patterned = matching(schema.pattern);
    return fc.oneof(patterned ?? plain, prototypeNames);
  }
  if (type === 'integer')
    return fc.integer({ min: schema.minimum ?? 0, max: Math.min(schema.maximum ?? 1000, 1e9) });
  if (type === 'number')
    return fc.integer({ min: schema.minimum ?? 0, max: Math.min(schema.maximum ?? 1000, 1e9) });
  if (type === 'boolean') return fc.boolean();
  return fc.jsonValue({ maxDepth: 1 });
}
