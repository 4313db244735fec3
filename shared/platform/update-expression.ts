/** The clauses of an UpdateExpression; empty or missing clauses are left out. */
export interface UpdateClauses {
  set?: (string | false | undefined)[];
  add?: (string | false | undefined)[];
  remove?: (string | false | undefined)[];
}

/**
 * Assembles an UpdateExpression from its clauses, so that optional actions are listed, not
 * spliced into a template string: `updateExpression({ set: ['a = :a', capture && 'b = :b'], remove: ['gsi2pk'] })`.
 */
export function updateExpression(clauses: UpdateClauses): string {
  const clause = (keyword: string, actions: UpdateClauses['set'], separator: string) => {
    const kept = (actions ?? []).filter((action): action is string => Boolean(action));
    return kept.length ? `${keyword} ${kept.join(separator)}` : '';
  };
  const expression = [
    clause('SET', clauses.set, ', '),
    clause('ADD', clauses.add, ', '),
    clause('REMOVE', clauses.remove, ', '),
  ]
    .filter(Boolean)
    .join(' ');
  if (!expression) throw new Error('an UpdateExpression needs at least one action');
  return expression;
}
