import { Command, CommanderError, Option } from 'commander';
import { PrsmProblem } from '#client/index.js';
import { registerAccount } from './commands/account.js';
import { registerBudgets } from './commands/budgets.js';
import { registerEvents } from './commands/events.js';
import { registerMarket, registerOrders } from './commands/market.js';
import { registerWebhooks } from './commands/webhooks.js';
import { registerWorkflows } from './commands/workflows.js';
import { UsageError } from './context.js';

/** Each command group registers itself; a new group (events, webhooks) is one file and one entry here. */
const GROUPS = [
  registerAccount,
  registerBudgets,
  registerMarket,
  registerOrders,
  registerWorkflows,
  registerEvents,
  registerWebhooks,
];

const EXIT = { ok: 0, refused: 1, usage: 2 } as const;

export function program(): Command {
  const prsm = new Command('prsm')
    .description('PRSM from the shell: FTNS, budgets, the marketplace and research workflows')
    .addOption(
      new Option('--api-url <url>', 'the API (default: PRSM_API_URL, prsm login, http://127.0.0.1:3000)'),
    )
    .addOption(new Option('--api-key <key>', 'an API key (default: PRSM_API_KEY, prsm login)'))
    .option('--json', 'machine output: the JSON the API answered')
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError()
    .exitOverride();
  for (const register of GROUPS) register(prsm);
  // Groups without an action of their own: `prsm budgets` alone is a usage error, with the help.
  for (const command of prsm.commands) {
    if (command.commands.length) command.action(() => command.help({ error: true }));
  }
  return prsm;
}

/** Runs the CLI and answers its exit code: 0 done, 1 refused (the problem's code printed), 2 usage. */
export async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  try {
    await program().parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\n`);
      return EXIT.usage;
    }
    if (error instanceof PrsmProblem) {
      if (json) process.stdout.write(`${JSON.stringify(error.body ?? { code: error.code }, null, 2)}\n`);
      process.stderr.write(`error: ${error.code} (${error.status}): ${error.detail}\n`);
      return EXIT.refused;
    }
    // The API could not be reached, or a download failed: the request did not succeed.
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}${cause}\n`);
    return EXIT.refused;
  }
}

process.exitCode = await main(process.argv.slice(2));
