import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { inInvocationScope } from './invocation-scope.js';

/** What a handler sees of Lambda's context object, for an invocation in this process. */
export function lambdaContext(functionName: string, memoryMb: number, timeoutSeconds: number): Context {
  const deadline = Date.now() + timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: String(memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

// biome-ignore lint/suspicious/noExplicitAny: handlers of every trigger kind share this shape
export type LambdaHandler = (event: any, context: Context) => Promise<any>;

/**
 * The local AWS serialises DynamoDB requests and copies tables on every transaction, so under
 * load it answers far slower than DynamoDB: local timeouts are the manifest's times this factor.
 */
const TIMEOUT_FACTOR = Number(process.env.PRSM_LOCAL_TIMEOUT_FACTOR ?? 4);

/** Runs a handler with Lambda's timeout: past it the invocation counts as failed. */
export async function invoke(
  handler: LambdaHandler,
  event: unknown,
  fn: { id: string; memoryMb: number; timeoutSeconds: number },
): Promise<unknown> {
  const seconds = fn.timeoutSeconds * TIMEOUT_FACTOR;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${fn.id} timed out after ${seconds} s`)), seconds * 1000);
  });
  const context = lambdaContext(fn.id, fn.memoryMb, seconds);
  try {
    return await Promise.race([
      inInvocationScope(context.awsRequestId, () => handler(event, context)),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
