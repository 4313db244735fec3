import { type Command, InvalidArgumentError } from 'commander';
import { type components, unwrap } from '#client/index.js';
import { ftnsArgument, withContext } from '../context.js';
import { type ListOptions, listPage, printPage, withListOptions } from '../lists.js';
import { fields, table } from '../table.js';
import { keyHeader } from './account.js';

type Budget = components['schemas']['Budget'];

/** `--category name=allocation`, repeatable. */
function categoryOption(text: string, previous: Record<string, { allocation: string }> = {}) {
  const [name, allocation] = text.split('=');
  if (!name || !allocation)
    throw new InvalidArgumentError('give a category as name=allocation, e.g. compute=50');
  return { ...previous, [name]: { allocation: ftnsArgument(allocation) } };
}

const renderBudget = (budget: Budget) =>
  [
    fields([
      ['id', budget.id],
      ['name', budget.name],
      ['status', budget.status],
      ['total', budget.total],
      ['spent', budget.spent],
      ['reserved', budget.reserved],
      ['remaining', budget.remaining],
      ['utilisation', `${budget.utilisation} %`],
    ]),
    Object.keys(budget.categories).length
      ? table(
          ['category', 'allocation', 'spent', 'utilisation'],
          Object.entries(budget.categories).map(([name, c]) => [name, c.allocation, c.spent, c.utilisation]),
        )
      : '',
  ]
    .filter(Boolean)
    .join('\n\n');

export function registerBudgets(program: Command): void {
  const budgets = program.command('budgets').description('budgets you own or belong to');

  withListOptions(budgets.command('ls').description('your budgets')).action(
    withContext(async (context, options: ListOptions) => {
      const page = await listPage(options, (query) =>
        context.client.GET('/v1/budgets', { params: { query } }),
      );
      printPage(context, page, [
        ['id', (b) => b.id],
        ['name', (b) => b.name],
        ['status', (b) => b.status],
        ['total', (b) => b.total],
        ['spent', (b) => b.spent],
        ['remaining', (b) => b.remaining],
      ]);
    }),
  );

  budgets
    .command('show')
    .description('one budget with its categories')
    .argument('<budgetId>')
    .action(
      withContext(async (context, budgetId: string) => {
        const budget = await unwrap(
          context.client.GET('/v1/budgets/{budgetId}', { params: { path: { budgetId } } }),
        );
        context.print(budget, renderBudget);
      }),
    );

  budgets
    .command('create')
    .description('a new budget you own')
    .requiredOption('--name <name>', 'what the budget is for')
    .requiredOption('--total <ftns>', 'its total, FTNS', ftnsArgument)
    .option('--category <name=allocation>', 'a category with its allocation (repeatable)', categoryOption)
    .option('--monthly', 'renew the total every month')
    .action(
      withContext(
        async (
          context,
          options: {
            name: string;
            total: string;
            category?: Record<string, { allocation: string }>;
            monthly?: boolean;
          },
        ) => {
          const budget = await unwrap(
            context.client.POST('/v1/budgets', {
              body: {
                name: options.name,
                total: options.total,
                ...(options.category ? { categories: options.category } : {}),
                ...(options.monthly ? { period: 'monthly' as const } : {}),
              },
            }),
          );
          context.print(budget, renderBudget);
        },
      ),
    );

  budgets
    .command('charge')
    .description("charge an amount to one of a budget's categories")
    .argument('<budgetId>')
    .argument('<amount>', 'FTNS, a decimal string', ftnsArgument)
    .requiredOption('--category <name>', 'the category charged')
    .option('--description <text>', 'what the charge is for')
    .option('--idempotency-key <key>', 'your own key (default: a new one, reused by retries)')
    .action(
      withContext(
        async (
          context,
          budgetId: string,
          amount: string,
          options: { category: string; description?: string; idempotencyKey?: string },
        ) => {
          const charge = await unwrap(
            context.client.POST('/v1/budgets/{budgetId}/charges', {
              params: { path: { budgetId }, header: keyHeader(options.idempotencyKey) },
              body: {
                amount,
                category: options.category,
                ...(options.description ? { description: options.description } : {}),
              },
            }),
          );
          context.print(charge, (c) => `charged ${c.amount} FTNS to ${c.budgetId}/${c.category} (${c.id})`);
        },
      ),
    );
}
