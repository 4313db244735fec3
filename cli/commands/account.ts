import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { createPrsmClient, unwrap } from '#client/index.js';
import { configPath, resolveConfig, writeConfig } from '../config.js';
import { ftnsArgument, type GlobalOptions, UsageError, withContext } from '../context.js';
import { fields } from '../table.js';

async function askKey(): Promise<string> {
  if (!process.stdin.isTTY) throw new UsageError('give the key with --api-key (or PRSM_API_KEY)');
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  const key = await prompt.question('API key: ');
  prompt.close();
  return key.trim();
}

export function registerAccount(program: Command): void {
  program
    .command('login')
    .description('check an API key and store it with the API url in your config directory (mode 0600)')
    .action(async (_options, command: Command) => {
      const flags = command.optsWithGlobals<GlobalOptions>();
      const { apiUrl } = await resolveConfig({ apiUrl: flags.apiUrl });
      const apiKey = flags.apiKey ?? process.env.PRSM_API_KEY ?? (await askKey());
      const me = await unwrap(createPrsmClient({ baseUrl: apiUrl, apiKey }).GET('/v1/me'));
      await writeConfig({ apiUrl, apiKey });
      const saved = { user: me, apiUrl, config: configPath() };
      process.stdout.write(
        flags.json
          ? `${JSON.stringify(saved, null, 2)}\n`
          : `logged in as ${me.name} (${me.id}) at ${apiUrl}; saved to ${saved.config}\n`,
      );
    });

  program
    .command('whoami')
    .description('the caller of the API key')
    .action(
      withContext(async (context) => {
        const me = await unwrap(context.client.GET('/v1/me'));
        context.print(me, (user) =>
          fields([
            ['id', user.id],
            ['name', user.name],
            ['role', user.role],
            ['created', user.createdAt],
          ]),
        );
      }),
    );

  program
    .command('balance')
    .description('your FTNS account: balance, held and available')
    .action(
      withContext(async (context) => {
        const account = await unwrap(context.client.GET('/v1/accounts/me'));
        context.print(account, (a) =>
          fields([
            ['balance', `${a.balance} FTNS`],
            ['held', `${a.held} FTNS`],
            ['available', `${a.available} FTNS`],
          ]),
        );
      }),
    );

  program
    .command('transfer')
    .description('send FTNS to another user')
    .argument('<to>', 'the receiving user id')
    .argument('<amount>', 'FTNS, a decimal string such as 12.50', ftnsArgument)
    .option('--memo <text>', 'a note kept with the transfer')
    .option('--idempotency-key <key>', 'your own key (default: a new one, reused by retries)')
    .action(
      withContext(
        async (context, to: string, amount: string, options: { memo?: string; idempotencyKey?: string }) => {
          const transfer = await unwrap(
            context.client.POST('/v1/transfers', {
              body: { to, amount, ...(options.memo ? { memo: options.memo } : {}) },
              params: { header: keyHeader(options.idempotencyKey) },
            }),
          );
          context.print(transfer, (t) => `transferred ${t.amount} FTNS to ${t.to} (${t.id})`);
        },
      ),
    );
}

/** The Idempotency-Key header when the user gave one; the client makes one otherwise. */
export const keyHeader = (key: string | undefined) => (key ? { 'idempotency-key': key } : {});
