import type { Command } from 'commander';
import { type components, unwrap } from '#client/index.js';
import { ftnsArgument, withContext } from '../context.js';
import { type ListOptions, listPage, printPage, withListOptions } from '../lists.js';
import { fields, table } from '../table.js';
import { keyHeader } from './account.js';

type Listing = components['schemas']['Listing'];
type ListingType = Listing['type'];
type Order = components['schemas']['Order'];

const renderListing = (listing: Listing) =>
  fields([
    ['id', listing.id],
    ['title', listing.title],
    ['type', listing.type],
    ['price', `${listing.price} FTNS (${listing.pricingModel})`],
    ['quality', listing.qualityGrade],
    ['rating', listing.rating.average ? `${listing.rating.average} (${listing.rating.count})` : null],
    ['tags', listing.tags.join(', ')],
    ['seller', listing.sellerId],
    ['description', listing.description],
  ]);

export const renderOrder = (order: Order) =>
  [
    fields([
      ['order', order.id],
      ['status', order.status],
      ['total', `${order.total} FTNS`],
      ['budget', `${order.budgetId}/${order.category}`],
      ['created', order.createdAt],
    ]),
    table(
      ['listing', 'title', 'price'],
      order.lines.map((line) => [line.listingId, line.title, line.price]),
    ),
  ].join('\n\n');

export function registerMarket(program: Command): void {
  const market = program.command('market').description('the marketplace: listings and buying them');

  withListOptions(
    market
      .command('search')
      .description('search the active listings')
      .argument('[words]', 'words to look for in titles, descriptions and tags')
      .option('--type <type>', 'one of the nine listing types, e.g. dataset')
      .option('--tag <tag>', 'listings with this tag')
      .option('--min-price <ftns>', 'cheapest price', ftnsArgument)
      .option('--max-price <ftns>', 'dearest price', ftnsArgument)
      .option('--sort <by>', 'price, rating or newest'),
  ).action(
    withContext(
      async (
        context,
        words: string | undefined,
        options: ListOptions & {
          type?: string;
          tag?: string;
          minPrice?: string;
          maxPrice?: string;
          sort?: string;
        },
      ) => {
        const filters = {
          ...(words ? { q: words } : {}),
          ...(options.type ? { type: options.type as ListingType } : {}),
          ...(options.tag ? { tag: options.tag } : {}),
          ...(options.minPrice ? { minPrice: options.minPrice } : {}),
          ...(options.maxPrice ? { maxPrice: options.maxPrice } : {}),
          ...(options.sort ? { sort: options.sort as 'price' | 'rating' | 'newest' } : {}),
        };
        const page = await listPage(options, (query) =>
          context.client.GET('/v1/listings', { params: { query: { ...filters, ...query } } }),
        );
        printPage(context, page, [
          ['id', (l) => l.id],
          ['type', (l) => l.type],
          ['price', (l) => l.price],
          ['rating', (l) => l.rating.average],
          ['title', (l) => l.title],
        ]);
      },
    ),
  );

  market
    .command('show')
    .description('one listing')
    .argument('<listingId>')
    .action(
      withContext(async (context, listingId: string) => {
        const listing = await unwrap(
          context.client.GET('/v1/listings/{listingId}', { params: { path: { listingId } } }),
        );
        context.print(listing, renderListing);
      }),
    );

  market
    .command('buy')
    .description('buy listings in one order, paid from a budget')
    .argument('<listingIds...>', 'the listings to buy')
    .requiredOption('--budget <budgetId>', 'the budget that pays')
    .option('--category <name>', "the budget's category charged", 'marketplace_trading')
    .option('--idempotency-key <key>', 'your own key (default: a new one, reused by retries)')
    .action(
      withContext(
        async (
          context,
          listingIds: string[],
          options: { budget: string; category: string; idempotencyKey?: string },
        ) => {
          const order = await unwrap(
            context.client.POST('/v1/orders', {
              params: { header: keyHeader(options.idempotencyKey) },
              body: {
                items: listingIds.map((listingId) => ({ listingId })),
                budgetId: options.budget,
                category: options.category,
              },
            }),
          );
          context.print(order, renderOrder);
        },
      ),
    );
}

export function registerOrders(program: Command): void {
  const orders = program.command('orders').description('your marketplace orders');

  withListOptions(
    orders
      .command('ls')
      .description('your orders, newest first')
      .option('--buyer <userId>', "(admins) a buyer's orders"),
  ).action(
    withContext(async (context, options: ListOptions & { buyer?: string }) => {
      const page = await listPage(options, (query) =>
        context.client.GET('/v1/orders', {
          params: { query: { ...query, ...(options.buyer ? { buyerId: options.buyer } : {}) } },
        }),
      );
      printPage(context, page, [
        ['id', (o) => o.id],
        ['status', (o) => o.status],
        ['total', (o) => o.total],
        ['items', (o) => o.lines.map((line) => line.title).join(', ')],
        ['created', (o) => o.createdAt],
      ]);
    }),
  );

  orders
    .command('refund')
    .description('(admins) refund an order: the buyer and the budget get it back')
    .argument('<orderId>')
    .option('--idempotency-key <key>', 'your own key (default: a new one, reused by retries)')
    .action(
      withContext(async (context, orderId: string, options: { idempotencyKey?: string }) => {
        const order = await unwrap(
          context.client.POST('/v1/orders/{orderId}/refund', {
            params: { path: { orderId }, header: keyHeader(options.idempotencyKey) },
          }),
        );
        context.print(order, renderOrder);
      }),
    );
}
