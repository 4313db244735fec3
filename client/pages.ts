import { type Answer, unwrap } from './problem.js';

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Every item of a cursor-paged list, page after page, fetched as the loop asks for them:
 * `for await (const order of eachItem((cursor) => prsm.GET('/v1/orders', { params: { query: { cursor } } })))`.
 */
export async function* eachItem<T>(
  fetchPage: (cursor: string | undefined) => Promise<Answer<Page<T>>>,
): AsyncGenerator<T> {
  let cursor: string | undefined;
  do {
    const page = await unwrap(fetchPage(cursor));
    yield* page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}
