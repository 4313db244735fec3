import { type Command, InvalidArgumentError } from 'commander';
import { withContext } from '../context.js';
import { type ListOptions, listPage, printPage, withListOptions } from '../lists.js';

const AGO = /^(\d+)([smhd])$/;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `--from`/`--to`: an ISO time, or a span back from now (`30m`, `2h`, `7d`), as the API's ISO time. */
export function timeArgument(text: string): string {
  const ago = AGO.exec(text);
  if (ago) {
    const unit = ago[2] as keyof typeof UNIT_MS;
    return new Date(Date.now() - Number(ago[1]) * UNIT_MS[unit]).toISOString();
  }
  const time = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(time.getTime())) {
    throw new InvalidArgumentError('a time is ISO 8601 (2026-12-01T09:00:00Z) or a span ago: 30m, 2h, 7d');
  }
  return time.toISOString();
}

export const typeOptionHelp = 'an event type (budget.alert) or a prefix (order.*)';

export function registerEvents(program: Command): void {
  const events = program.command('events').description('what happened to your budgets, workflows and orders');

  withListOptions(
    events
      .command('ls')
      .description('your events, newest first')
      .option('--type <type>', typeOptionHelp)
      .option('--from <time>', 'events at or after this time (ISO, or 30m, 2h, 7d ago)', timeArgument)
      .option('--to <time>', 'events at or before this time (ISO, or 30m, 2h, 7d ago)', timeArgument)
      .option('--user <userId>', "(admins) a user's events"),
  ).action(
    withContext(
      async (
        context,
        options: ListOptions & { type?: string; from?: string; to?: string; user?: string },
      ) => {
        const filters = {
          ...(options.type ? { type: options.type } : {}),
          ...(options.from ? { from: options.from } : {}),
          ...(options.to ? { to: options.to } : {}),
          ...(options.user ? { userId: options.user } : {}),
        };
        const page = await listPage(options, (query) =>
          context.client.GET('/v1/events', { params: { query: { ...filters, ...query } } }),
        );
        printPage(context, page, [
          ['id', (e) => e.id],
          ['type', (e) => e.type],
          ['subject', (e) => e.subject],
          ['time', (e) => e.timestamp],
        ]);
      },
    ),
  );
}
