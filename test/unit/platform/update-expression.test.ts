import { describe, expect, it } from 'vitest';
import { updateExpression } from '#platform/update-expression.js';

describe('updateExpression', () => {
  it('lists the actions of each clause and leaves out the ones not taken', () => {
    const capture = false;
    expect(
      updateExpression({
        set: ['a = :a', capture && 'b = :b', 'c = :c'],
        add: [''],
        remove: ['gsi2pk', 'gsi2sk'],
      }),
    ).toBe('SET a = :a, c = :c REMOVE gsi2pk, gsi2sk');
    expect(updateExpression({ set: ['a = :a'], add: ['n :one'] })).toBe('SET a = :a ADD n :one');
  });

  it('refuses an expression with no action', () => {
    expect(() => updateExpression({ set: [undefined], remove: [] })).toThrow(/at least one action/);
  });
});
