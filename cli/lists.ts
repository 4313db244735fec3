import type { Command } from 'commander';
import { type Answer, eachItem, unwrap } from '#client/index.js';
import { type CommandContext, positiveInteger } from './context.js';
import { table } from './table.js';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface ListOptions {
  limit?: number;
  cursor?: string;
  all?: boolean;
}

export type PageQuery = { limit?: number; cursor?: string };

/** The paging options every `ls` shares. */
export const withListOptions = (command: Command): Command =>
  command
    .option('--limit <n>', 'items per page, 1 to 100', positiveInteger)
    .option('--cursor <cursor>', 'start after this cursor (from a previous page)')
    .option('--all', 'every page, not just the first');

/** One page (or with --all every page, walked with eachItem) of a list route, as `{ items, nextCursor }`. */
export async function listPage<T>(
  options: ListOptions,
  fetchPage: (query: PageQuery) => Promise<Answer<Page<T>>>,
): Promise<Page<T>> {
  const query = (cursor: string | undefined): PageQuery => ({
    ...(options.limit ? { limit: options.limit } : {}),
    ...(cursor ? { cursor } : {}),
  });
  if (!options.all) return unwrap(fetchPage(query(options.cursor)));
  const items: T[] = [];
  for await (const item of eachItem((cursor) => fetchPage(query(cursor ?? options.cursor)))) items.push(item);
  return { items, nextCursor: null };
}

/** Prints a page: the API's JSON with --json, otherwise a table and how to get the next page. */
export function printPage<T>(
  context: CommandContext,
  page: Page<T>,
  columns: [header: string, cell: (item: T) => string | number | null | undefined][],
): void {
  context.print(page, ({ items, nextCursor }) => {
    const rows = items.map((item) => columns.map(([, cell]) => cell(item)));
    const body = items.length
      ? table(
          columns.map(([header]) => header),
          rows,
        )
      : '(none)';
    return nextCursor ? `${body}\nmore: --cursor ${nextCursor}` : body;
  });
}
