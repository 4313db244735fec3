import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';

/**
 * Counts the requests a DynamoDB client sends, by command, under whatever label is current
 * when they are sent. It sits in the finalizeRequest step at low priority, after the SDK's retry
 * middleware (high priority), so each attempt of a retried request counts. A document client
 * built on the client shares its middleware stack, so its requests count too (under the
 * low-level command's name, e.g. GetItemCommand). It counts an SQS client's requests the same way
 * (by command only: they have no key).
 */
export interface RequestCounter {
  /** What requests sent from now on are counted as; undefined counts them as 'unattributed'. */
  label: string | undefined;
  /** Requests per command name under `label`. */
  counts(label: string): Map<string, number>;
  /**
   * Those of them that failed, per "command: error", e.g. a transaction cancelled on its first
   * item's condition, which came back with the cancellation: "TransactWriteItemsCommand [7 items]:
   * TransactionCanceledException [item 1 ConditionalCheckFailed, returned]".
   */
  failures(label: string): Map<string, number>;
  /** Every label that has requests, with its total. */
  totals(): Map<string, number>;
  remove(): void;
}

export const UNATTRIBUTED = 'unattributed';

/**
 * "GetItemCommand [APIKEY#]", "TransactWriteItemsCommand [6 items]": the command, with the
 * partition-key prefix of the item it reads or puts, or the size of the transaction, so that
 * whose request it is can be told from the count.
 */
function describe(commandName: string, input: unknown): string {
  const { Key, Item, TransactItems } = (input ?? {}) as {
    Key?: { pk?: { S?: string } };
    Item?: { pk?: { S?: string } };
    TransactItems?: unknown[];
  };
  if (Array.isArray(TransactItems)) return `${commandName} [${TransactItems.length} items]`;
  const pk = Key?.pk?.S ?? Item?.pk?.S;
  if (pk) return `${commandName} [${pk.split('#')[0]}#]`;
  return commandName;
}

/** The error's name; for a cancelled transaction, which items failed and whether they came back. */
function failureOf(error: unknown): string {
  const { name, CancellationReasons } = error as {
    name?: string;
    CancellationReasons?: { Code?: string; Item?: unknown }[];
  };
  if (!Array.isArray(CancellationReasons)) return String(name);
  const failed = CancellationReasons.flatMap((reason, index) =>
    reason.Code && reason.Code !== 'None'
      ? [`item ${index + 1} ${reason.Code}${reason.Item ? ', returned' : ''}`]
      : [],
  );
  return `${name} [${failed.join('; ')}]`;
}

export function countRequests(client: DynamoDBClient | SQSClient, name: string): RequestCounter {
  // The middleware reads only the command's name and input: any client's stack takes it.
  const stack = client.middlewareStack as DynamoDBClient['middlewareStack'];
  const byLabel = new Map<string, Map<string, number>>();
  const failedByLabel = new Map<string, Map<string, number>>();
  const add = (map: Map<string, Map<string, number>>, label: string, key: string) => {
    const counts = map.get(label) ?? new Map<string, number>();
    map.set(label, counts);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  };
  const counter: RequestCounter = {
    label: undefined,
    counts: (label) => new Map(byLabel.get(label) ?? []),
    failures: (label) => new Map(failedByLabel.get(label) ?? []),
    totals: () =>
      new Map(
        [...byLabel].map(([label, counts]) => [label, [...counts.values()].reduce((a, b) => a + b, 0)]),
      ),
    remove: () => {
      stack.remove(name);
    },
  };
  stack.add(
    (next, context) => async (args) => {
      const label = counter.label ?? UNATTRIBUTED;
      const command = describe(context.commandName ?? 'unknown', args.input);
      add(byLabel, label, command);
      try {
        return await next(args);
      } catch (error) {
        add(failedByLabel, label, `${command}: ${failureOf(error)}`);
        throw error;
      }
    },
    { step: 'finalizeRequest', priority: 'low', name },
  );
  return counter;
}
