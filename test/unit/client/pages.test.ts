import { describe, expect, it } from 'vitest';
import { eachItem, PrsmProblem } from '#client/index.js';

const page = (items: number[], nextCursor: string | null) => ({
  data: { items, nextCursor },
  response: new Response(null, { status: 200 }),
});

describe('client: eachItem', () => {
  it('walks every page by its cursor, fetching a page only when the loop gets there', async () => {
    const cursors: (string | undefined)[] = [];
    const pages: Record<string, ReturnType<typeof page>> = {
      first: page([1, 2], 'c2'),
      c2: page([3], 'c3'),
      c3: page([], null),
    };
    const seen: number[] = [];
    for await (const item of eachItem(async (cursor: string | undefined) => {
      cursors.push(cursor);
      return pages[cursor ?? 'first']!;
    })) {
      seen.push(item);
      if (item === 1) expect(cursors).toEqual([undefined]);
    }
    expect(seen).toEqual([1, 2, 3]);
    expect(cursors).toEqual([undefined, 'c2', 'c3']);
  });

  it('throws the problem of a refused page', async () => {
    const refused = async () => ({
      error: { code: 'validation_failed', detail: 'cursor' },
      response: new Response(null, { status: 422 }),
    });
    const walk = async () => {
      for await (const _ of eachItem<number>(refused)) break;
    };
    await expect(walk()).rejects.toBeInstanceOf(PrsmProblem);
  });
});
