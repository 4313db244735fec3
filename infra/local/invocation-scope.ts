import { InvokeStore, type InvokeStoreBase } from '@aws/lambda-invoke-store';

/**
 * Every local function runs in this one process, concurrently, and shares the module-level
 * Powertools logger. On its own the logger keeps one context for all of them, so a line logged
 * while another invocation began carried that other function's name and request id. Lambda's
 * concurrent mode (AWS_LAMBDA_MAX_CONCURRENCY) makes Powertools scope its state to the current
 * invocation through the InvokeStore, so the local runtime runs each invocation in a scope of
 * its own: each handler logs its own function name, request id and appended keys.
 */
let store: Promise<InvokeStoreBase> | undefined;

/**
 * Must run before the first AWS SDK request of the process: the SDK asks for the InvokeStore on
 * every request, and the first ask fixes its kind (single, unless Lambda's concurrent mode is on).
 */
export function invokeStore(): Promise<InvokeStoreBase> {
  store ??= (async () => {
    process.env.AWS_LAMBDA_MAX_CONCURRENCY ??= '1000';
    const instance = await InvokeStore.getInstanceAsync(true);
    globalThis.awslambda = { ...globalThis.awslambda, InvokeStore: instance };
    return instance;
  })();
  return store;
}

/** Runs one invocation in its own scope of the InvokeStore. */
export async function inInvocationScope<T>(requestId: string, run: () => Promise<T>): Promise<T> {
  const instance = await invokeStore();
  return instance.run({ [REQUEST_ID]: requestId }, run);
}

/** The InvokeStore's own key of the request id (`InvokeStoreBase.PROTECTED_KEYS.REQUEST_ID`). */
const REQUEST_ID = Symbol.for('_AWS_LAMBDA_REQUEST_ID');
