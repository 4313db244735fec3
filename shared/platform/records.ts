/**
 * Records indexed by names users choose (budget categories, members, metadata keys, tags). A
 * plain `{}` answers `constructor`, `toString` or `hasOwnProperty` from Object.prototype, and
 * assigning `__proto__` replaces its prototype instead of adding a key; so such records are
 * built without a prototype and read through own properties only. `__proto__` itself is refused
 * at the edge (`keyedRecord` in schemas.ts): neither zod nor DynamoDB's marshalling keeps it.
 */
export type Keyed<V> = Record<string, V>;

/** A record without a prototype: every name is an ordinary key. */
export function record<V>(entries: Iterable<readonly [string, V]> = []): Keyed<V> {
  const built = Object.create(null) as Keyed<V>;
  for (const [key, value] of entries) built[key] = value;
  return built;
}

/** The value stored under `key` itself, never one inherited from a prototype. */
export const own = <V>(keyed: Readonly<Keyed<V>>, key: string): V | undefined =>
  Object.hasOwn(keyed, key) ? keyed[key] : undefined;

export const hasKey = (keyed: Readonly<Keyed<unknown>>, key: string): boolean => Object.hasOwn(keyed, key);

/** A copy with each value mapped. */
export const mapValues = <V, W>(keyed: Readonly<Keyed<V>>, map: (value: V, key: string) => W): Keyed<W> =>
  record(Object.entries(keyed).map(([key, value]) => [key, map(value, key)] as const));

/** A copy with `key` set to `value`. */
export const withKey = <V>(keyed: Readonly<Keyed<V>>, key: string, value: V): Keyed<V> =>
  record([...Object.entries(keyed), [key, value] as const]);

/** A copy without `key`. */
export const withoutKey = <V>(keyed: Readonly<Keyed<V>>, key: string): Keyed<V> =>
  record(Object.entries(keyed).filter(([name]) => name !== key));
