import { AsyncLocalStorage } from 'node:async_hooks';
import type { MessageAttributeValue, SendMessageBatchRequestEntry, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';

/**
 * What ties a log line to what caused it, across queue hops: the API request that started the
 * work and the workflow it belongs to. Kept in a process-local scope (AsyncLocalStorage) rather
 * than in the logger's appended keys, because the records of one batch run concurrently in one
 * invocation: each record's scope is its own, and the logger (logger.ts) adds the scope's keys
 * to every line logged inside it, whatever module logs it.
 */
export interface Correlation {
  requestId?: string;
  workflowId?: string;
}

const scope = new AsyncLocalStorage<Correlation>();

/** Runs `work` with these keys added to the current ones. */
export function withCorrelation<T>(keys: Correlation, work: () => T): T {
  const defined = Object.fromEntries(Object.entries(keys).filter(([, value]) => value));
  return scope.run({ ...scope.getStore(), ...defined }, work);
}

export const currentCorrelation = (): Correlation => scope.getStore() ?? {};

const NAMES = ['requestId', 'workflowId'] as const;

/** The scope's keys as SQS message attributes. */
function messageAttributes(): Record<string, MessageAttributeValue> {
  const current = currentCorrelation();
  const attributes: Record<string, MessageAttributeValue> = {};
  for (const name of NAMES) {
    const value = current[name];
    if (value) attributes[name] = { DataType: 'String', StringValue: value };
  }
  return attributes;
}

/** The keys a received message carries. */
export function correlationOf(record: Pick<SQSRecord, 'messageAttributes'>): Correlation {
  const keys: Correlation = {};
  for (const name of NAMES) {
    const value = record.messageAttributes?.[name]?.stringValue;
    if (value) keys[name] = value;
  }
  return keys;
}

/**
 * Every message sent through this client carries the sender's scope as message attributes:
 * the one place all messages pass, so no sender can forget. A sender's own attributes win.
 */
export function correlateMessages(sqs: SQSClient): SQSClient {
  sqs.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as {
        MessageAttributes?: Record<string, MessageAttributeValue>;
        Entries?: SendMessageBatchRequestEntry[];
      };
      if (context.commandName === 'SendMessageCommand') {
        input.MessageAttributes = { ...messageAttributes(), ...input.MessageAttributes };
      }
      if (context.commandName === 'SendMessageBatchCommand') {
        for (const entry of input.Entries ?? []) {
          entry.MessageAttributes = { ...messageAttributes(), ...entry.MessageAttributes };
        }
      }
      return next(args);
    },
    { step: 'initialize', name: 'correlateMessages' },
  );
  return sqs;
}

/** A queue record's handler that runs in the scope of the keys its message carries. */
export function correlatedRecord<R extends Pick<SQSRecord, 'messageAttributes'>, C, T>(
  handle: (record: R, context?: C) => Promise<T>,
  keysOf: (record: R) => Correlation = () => ({}),
): (record: R, context?: C) => Promise<T> {
  return (record, context) =>
    withCorrelation({ ...correlationOf(record), ...keysOf(record) }, () => handle(record, context));
}

/** A message whose body names its workflow (the phase messages) is in that workflow's scope. */
export function workflowOfBody(record: Pick<SQSRecord, 'body'>): Correlation {
  try {
    const { workflowId } = JSON.parse(record.body) as { workflowId?: unknown };
    return typeof workflowId === 'string' ? { workflowId } : {};
  } catch {
    return {}; // the handler refuses the body itself
  }
}
