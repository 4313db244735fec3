import { type Command, InvalidArgumentError } from 'commander';
import { createPrsmClient, type PrsmClient } from '#client/index.js';
import { parseFtns } from '#platform/money.js';
import { resolveConfig } from './config.js';

/** A usage error found after commander's own checks: exit code 2, like commander's. */
export class UsageError extends Error {}

export interface GlobalOptions {
  json?: boolean;
  apiUrl?: string;
  apiKey?: string;
}

/** What an action needs: the client, the output mode and the two ways of printing. */
export interface CommandContext {
  client: PrsmClient;
  json: boolean;
  /** Machine output with --json (the API's own JSON), the human rendering otherwise. */
  print<T>(data: T, human: (data: T) => string): void;
  /** Human-only lines (progress, notices): standard error, so standard output stays the result. */
  note(line: string): void;
}

export async function contextOf(command: Command): Promise<CommandContext> {
  const options = command.optsWithGlobals<GlobalOptions>();
  const config = await resolveConfig({ apiUrl: options.apiUrl, apiKey: options.apiKey });
  const json = options.json === true;
  return {
    client: createPrsmClient({ baseUrl: config.apiUrl, apiKey: config.apiKey }),
    json,
    print: (data, human) => {
      process.stdout.write(`${json ? JSON.stringify(data, null, 2) : human(data)}\n`);
    },
    note: (line) => {
      if (!json) process.stderr.write(`${line}\n`);
    },
  };
}

/** Commander's argument parser for an FTNS amount: a decimal string, kept a string (no floats). */
export function ftnsArgument(text: string): string {
  const micro = parseFtns(text);
  if (micro === undefined || micro <= 0n) {
    throw new InvalidArgumentError(
      'an FTNS amount is a positive decimal with at most 6 decimals, e.g. 12.50',
    );
  }
  return text;
}

export function positiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError('a positive integer');
  return value;
}

/** An action with the command's context; its errors decide the exit code in main.ts. */
export const withContext =
  <A extends unknown[]>(action: (context: CommandContext, ...args: A) => Promise<void>) =>
  async (...args: unknown[]) => {
    const command = args.at(-1) as Command;
    const actionArgs = args.slice(0, -1) as A;
    await action(await contextOf(command), ...actionArgs);
  };
