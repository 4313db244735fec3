import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * Counts the requests a DynamoDB client sends, by command, under whatever label is current
 * when they are sent. It sits in the finalizeRequest step at low priority, after the SDK's retry
 * middleware (high priority), so each attempt of a retried request counts. A document client
 * built on the client shares its middleware stack, so its requests count too (under the
 * low-level command's name, e.g. GetItemCommand).
 */
export interface RequestCounter {
  /** What requests sent from now on are counted as; undefined counts them as 'unattributed'. */
  label: string | undefined;
  /** Requests per command name under `label`. */
  counts(label: string): Map<string, number>;
  /** Every label that has requests, with its total. */
  totals(): Map<string, number>;
  remove(): void;
}

export const UNATTRIBUTED = 'unattributed';

/**
 * "GetItemCommand [APIKEY#]", "TransactWriteItemsCommand [6 items]": the command, with the
 * partition-key prefix of the item it reads or the size of the transaction, so that whose
 * request it is can be told from the count.
 */
function describe(commandName: string, input: unknown): string {
  const { Key, TransactItems } = (input ?? {}) as {
    Key?: { pk?: { S?: string } };
    TransactItems?: unknown[];
  };
  if (Array.isArray(TransactItems)) return `${commandName} [${TransactItems.length} items]`;
  const pk = Key?.pk?.S;
  if (pk) return `${commandName} [${pk.split('#')[0]}#]`;
  return commandName;
}

export function countRequests(client: DynamoDBClient, name: string): RequestCounter {
  const byLabel = new Map<string, Map<string, number>>();
  const counter: RequestCounter = {
    label: undefined,
    counts: (label) => new Map(byLabel.get(label) ?? []),
    totals: () =>
      new Map(
        [...byLabel].map(([label, counts]) => [label, [...counts.values()].reduce((a, b) => a + b, 0)]),
      ),
    remove: () => {
      client.middlewareStack.remove(name);
    },
  };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const label = counter.label ?? UNATTRIBUTED;
      const counts = byLabel.get(label) ?? new Map<string, number>();
      byLabel.set(label, counts);
      const command = describe(context.commandName ?? 'unknown', args.input);
      counts.set(command, (counts.get(command) ?? 0) + 1);
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name },
  );
  return counter;
}
