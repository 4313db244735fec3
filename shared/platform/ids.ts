import { monotonicFactory } from 'ulid';

const nextUlid = monotonicFactory();

/** A time-ordered unique id with a readable prefix, e.g. `tr_01J...`. */
export function newId(prefix: string): string {
  return `${prefix}_${nextUlid()}`;
}
