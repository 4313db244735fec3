/**
 * DynamoDB's update and condition expressions, evaluated over a plain item: enough of the
 * language for the legs the money code writes (SET with + / - and if_not_exists, ADD, REMOVE;
 * conditions with AND / OR / NOT, comparisons, IN, begins_with, attribute_exists / attribute_not_exists).
 * Unit tests apply a leg to an item with it instead of sending it to a database.
 */
export type Item = Record<string, unknown>;
export interface Expression {
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

const TOKEN = /\s*(<>|<=|>=|[()=<>,+-]|:[A-Za-z0-9_]+|[#A-Za-z_][#A-Za-z0-9_.]*)/y;

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
    const match = TOKEN.exec(text);
    if (!match) throw new Error(`cannot read expression at: ${text.slice(TOKEN.lastIndex)}`);
    tokens.push(match[1]!);
  }
  return tokens;
}

class Reader {
  private at = 0;
  constructor(
    private readonly tokens: string[],
    private readonly expression: Expression,
  ) {}

  peek(): string | undefined {
    return this.tokens[this.at];
  }
  next(): string {
    const token = this.tokens[this.at++];
    if (token === undefined) throw new Error('unexpected end of expression');
    return token;
  }
  expect(token: string): void {
    const found = this.next();
    if (found !== token) throw new Error(`expected ${token}, found ${found}`);
  }
  done(): boolean {
    return this.at >= this.tokens.length;
  }
  /** An attribute path: `a`, `#n`, `members.#member`, as a list of attribute names. */
  path(token = this.next()): string[] {
    return token.split('.').map((part) => {
      if (!part.startsWith('#')) return part;
      const name = this.expression.names?.[part];
      if (name === undefined) throw new Error(`no name for ${part}`);
      return name;
    });
  }
  value(token: string): unknown {
    if (!(token in (this.expression.values ?? {}))) throw new Error(`no value for ${token}`);
    return this.expression.values![token];
  }
}

const get = (item: Item, path: string[]): unknown =>
  path.reduce<unknown>((at, name) => (at && typeof at === 'object' ? (at as Item)[name] : undefined), item);

function set(item: Item, path: string[], value: unknown): void {
  let at = item;
  for (const name of path.slice(0, -1)) at = at[name] as Item;
  at[path.at(-1)!] = value;
}

function remove(item: Item, path: string[]): void {
  let at = item;
  for (const name of path.slice(0, -1)) at = at[name] as Item;
  delete at[path.at(-1)!];
}

type Numeric = bigint | number;
const numeric = (value: unknown): Numeric => {
  if (typeof value !== 'bigint' && typeof value !== 'number')
    throw new Error(`not a number: ${String(value)}`);
  return value;
};
/** Money is bigint; other numbers (counts, milliseconds) may be plain numbers: both add up. */
const add = (a: Numeric, b: Numeric, sign: 1 | -1): Numeric =>
  typeof a === 'number' && typeof b === 'number'
    ? a + sign * b
    : BigInt(a) + (sign === 1 ? BigInt(b) : -BigInt(b));

/** An operand of SET: a value, a path, or if_not_exists, joined by + and -. */
function setValue(reader: Reader, item: Item): unknown {
  let value = operand(reader, item);
  while (reader.peek() === '+' || reader.peek() === '-') {
    const sign = reader.next();
    const right = numeric(operand(reader, item));
    value = add(numeric(value), right, sign === '+' ? 1 : -1);
  }
  return value;
}

function operand(reader: Reader, item: Item): unknown {
  const token = reader.next();
  if (token.startsWith(':')) return reader.value(token);
  if (token === 'if_not_exists') {
    reader.expect('(');
    const path = reader.path();
    reader.expect(',');
    const fallback = setValue(reader, item);
    reader.expect(')');
    const found = get(item, path);
    return found === undefined ? fallback : found;
  }
  return get(item, reader.path(token));
}

const CLAUSES = new Set(['SET', 'ADD', 'REMOVE']);

/** The item after `update` (a copy; the given item is left as it is). */
export function applyUpdate(item: Item, update: string, expression: Expression = {}): Item {
  const after = structuredClone(item);
  const reader = new Reader(tokenize(update), expression);
  // Every right-hand side reads the item as it was before the update, as DynamoDB does.
  const before = structuredClone(item);
  while (!reader.done()) {
    const clause = reader.next();
    if (!CLAUSES.has(clause)) throw new Error(`unknown clause ${clause}`);
    do {
      const path = reader.path();
      if (clause === 'SET') {
        reader.expect('=');
        set(after, path, setValue(reader, before));
      } else if (clause === 'ADD') {
        const amount = numeric(reader.value(reader.next()));
        const current = get(before, path);
        set(after, path, current === undefined ? amount : add(numeric(current), amount, 1));
      } else {
        remove(after, path);
      }
    } while (reader.peek() === ',' && reader.next());
  }
  return after;
}

/** Whether `condition` holds for the item (undefined: there is no item). */
export function conditionHolds(
  item: Item | undefined,
  condition: string,
  expression: Expression = {},
): boolean {
  const reader = new Reader(tokenize(condition), expression);
  const result = orExpression(reader, item ?? {});
  if (!reader.done()) throw new Error(`unread condition after ${reader.peek()}`);
  return result;
}

function orExpression(reader: Reader, item: Item): boolean {
  let result = andExpression(reader, item);
  while (reader.peek() === 'OR') {
    reader.next();
    result = andExpression(reader, item) || result;
  }
  return result;
}

function andExpression(reader: Reader, item: Item): boolean {
  let result = notExpression(reader, item);
  while (reader.peek() === 'AND') {
    reader.next();
    result = notExpression(reader, item) && result;
  }
  return result;
}

function notExpression(reader: Reader, item: Item): boolean {
  if (reader.peek() === 'NOT') {
    reader.next();
    return !notExpression(reader, item);
  }
  return predicate(reader, item);
}

function predicate(reader: Reader, item: Item): boolean {
  const token = reader.next();
  if (token === '(') {
    const result = orExpression(reader, item);
    reader.expect(')');
    return result;
  }
  if (token === 'begins_with') {
    reader.expect('(');
    const value = comparable(reader, item);
    reader.expect(',');
    const prefix = comparable(reader, item);
    reader.expect(')');
    return typeof value === 'string' && typeof prefix === 'string' && value.startsWith(prefix);
  }
  if (token === 'attribute_exists' || token === 'attribute_not_exists') {
    reader.expect('(');
    const exists = get(item, reader.path()) !== undefined;
    reader.expect(')');
    return token === 'attribute_exists' ? exists : !exists;
  }
  const left = comparable(reader, item, token);
  const op = reader.next();
  if (op === 'IN') {
    reader.expect('(');
    const options = [comparable(reader, item)];
    while (reader.peek() === ',') {
      reader.next();
      options.push(comparable(reader, item));
    }
    reader.expect(')');
    return options.some((option) => option !== undefined && option === left);
  }
  const right = comparable(reader, item);
  // A comparison with a missing attribute, or of different types, is false (as in DynamoDB).
  if (left === undefined || right === undefined || typeof left !== typeof right) return op === '<>';
  const l = left as bigint | string;
  const r = right as bigint | string;
  switch (op) {
    case '=':
      return l === r;
    case '<>':
      return l !== r;
    case '<':
      return l < r;
    case '<=':
      return l <= r;
    case '>':
      return l > r;
    case '>=':
      return l >= r;
    default:
      throw new Error(`unknown comparison ${op}`);
  }
}

function comparable(reader: Reader, item: Item, token = reader.next()): unknown {
  return token.startsWith(':') ? reader.value(token) : get(item, reader.path(token));
}
