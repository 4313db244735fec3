import type { MiddlewareStack } from '@smithy/types';

/**
 * An SDK middleware that makes a share of a client's requests fail, as AWS sometimes does:
 * throttled, a 500, a timeout, or — the worst case — the write done but its answer lost. It sits
 * below the SDK's retry middleware, so the SDK's own retries meet the faults too.
 */
export type FaultKind = 'throttle' | 'server-error' | 'timeout' | 'lost-response';

export interface FaultPlan {
  rate: number;
  kinds: FaultKind[];
  /** Only these commands (e.g. /TransactWrite|Update/); all when absent. */
  commands?: RegExp;
  random?: () => number;
}

export interface Injection {
  injected: Record<FaultKind, number>;
  remove(): void;
}

const awsError = (name: string, status: number, message: string) =>
  Object.assign(new Error(message), {
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
  });

const faultError = (kind: FaultKind) => {
  switch (kind) {
    case 'throttle':
      return awsError('ThrottlingException', 400, 'Rate exceeded (injected)');
    case 'server-error':
      return awsError('InternalServerError', 500, 'Internal server error (injected)');
    case 'timeout':
    case 'lost-response':
      return Object.assign(new Error(`socket hang up (injected ${kind})`), {
        name: 'TimeoutError',
        code: 'ECONNRESET',
      });
  }
};

let counter = 0;

export function injectFaults<Input extends object, Output extends object>(
  client: { middlewareStack: MiddlewareStack<Input, Output> },
  plan: FaultPlan,
): Injection {
  const random = plan.random ?? Math.random;
  const injected: Record<FaultKind, number> = {
    throttle: 0,
    'server-error': 0,
    timeout: 0,
    'lost-response': 0,
  };
  const name = `inject-faults-${++counter}`;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String((context as { commandName?: string }).commandName ?? '');
      if ((plan.commands && !plan.commands.test(command)) || random() >= plan.rate) return next(args);
      const kind = plan.kinds[Math.floor(random() * plan.kinds.length)] ?? 'timeout';
      injected[kind]++;
      if (kind === 'lost-response') {
        await next(args); // the request reached AWS and did its work...
      }
      throw faultError(kind); // ...but the caller sees a failure
    },
    { step: 'finalizeRequest', name, priority: 'low' },
  );
  return { injected, remove: () => client.middlewareStack.remove(name) };
}
