import { randomUUID } from 'node:crypto';
import { PHASES } from '#shared/prices/phases.js';
import { builtinExecutor } from '#shared/workflows/executors/builtin.js';
import type { PhaseExecutor, PhaseOutput } from '#shared/workflows/executors/executor.js';
import { type LeaseContext, phaseContextFromLease } from '../lease-context.js';

/**
 * The node agent: registers (or reuses) a node of its owner's, heartbeats, asks for leases, runs
 * them with an executor of the platform's and answers each with its result (or its failure).
 * `stop()` finishes the lease in hand, then stops; `kill()` drops everything at once, as a
 * crashed process would (its lease expires and is offered to another node).
 */
export interface AgentOptions {
  api: string;
  key: string;
  name?: string;
  capabilities?: string[];
  stake?: string;
  executor?: PhaseExecutor;
  heartbeatMs?: number;
  log?: (line: string) => void;
  /** Tests: changes the output before it is sent (a node that returns a wrong result). */
  tamper?: (output: PhaseOutput, context: LeaseContext) => PhaseOutput;
  /** Tests: a slow node, this long between taking a lease and answering it. */
  holdMs?: number;
  /** Benchmarks: each answered lease's timings (ms): the claim request, the executor, the result request. */
  onLease?: (timing: {
    phase: string;
    claimMs: number;
    workMs: number;
    resultMs: number;
    status: number;
  }) => void;
}

export interface Agent {
  nodeId: Promise<string>;
  /** Leases answered and accepted, and what they paid the owner (FTNS strings). */
  accepted: { leaseId: string; phase: string; workflowId: string; proceeds: string }[];
  /** Results the platform refused (rejected, expired). */
  refused: { leaseId: string; status: number; code: string }[];
  /** Set when the agent holds a lease. */
  busy(): boolean;
  stop(): Promise<void>;
  kill(): void;
}

type Answer = { status: number; body: Record<string, unknown> | undefined };

export function startAgent(options: AgentOptions): Agent {
  const log = options.log ?? ((line: string) => console.log(line));
  const executor = options.executor ?? builtinExecutor;
  const abort = new AbortController();
  let running = true;
  let holding = false;
  const accepted: Agent['accepted'] = [];
  const refused: Agent['refused'] = [];

  const call = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer> => {
    const response = await fetch(`${options.api}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${options.key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      // A request for work waits at most its route's wait; none should take longer than API Gateway's 30 s.
      signal: AbortSignal.any([abort.signal, AbortSignal.timeout(30_000)]),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
    };
  };

  const name = options.name ?? 'node-agent';
  const nodeId = (async () => {
    const listed = await call('GET', '/v1/nodes?limit=100');
    const items = (listed.body?.items ?? []) as { id: string; name: string; status: string }[];
    const mine = items.find((node) => node.name === name && node.status !== 'deregistered');
    if (mine) return mine.id;
    const created = await call(
      'POST',
      '/v1/nodes',
      { name, capabilities: options.capabilities ?? PHASES.map((p) => p.id), stake: options.stake ?? '100' },
      { 'idempotency-key': `node-${randomUUID()}` },
    );
    if (created.status !== 201)
      throw new Error(`node not registered: ${created.status} ${JSON.stringify(created.body)}`);
    return (created.body!.node as { id: string }).id;
  })();
  nodeId.catch(() => undefined);

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      abort.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });

  const work = async (
    id: string,
    lease: { id: string; phase: string; workflowId: string },
    context: LeaseContext,
    claimMs: number,
  ) => {
    const workStart = performance.now();
    const definition = PHASES.find((p) => p.id === lease.phase);
    let output: PhaseOutput;
    try {
      if (!definition) throw new Error(`unknown phase ${lease.phase}`);
      const phaseContext = phaseContextFromLease(context, definition, async (url) => {
        const response = await fetch(url, {
          signal: AbortSignal.any([abort.signal, AbortSignal.timeout(30_000)]),
        });
        if (!response.ok) throw new Error(`artifact link answered ${response.status}`);
        return Buffer.from(await response.arrayBuffer());
      });
      output = await executor.execute(phaseContext);
      if (options.tamper) output = options.tamper(output, context);
    } catch (error) {
      if (abort.signal.aborted) return;
      await call('POST', `/v1/leases/${lease.id}/failure`, {
        reason: String((error as Error).message).slice(0, 300),
      });
      log(`node ${id}: lease ${lease.id} (${lease.phase}) failed: ${(error as Error).message}`);
      return;
    }
    if (options.holdMs) await sleep(options.holdMs);
    if (abort.signal.aborted) return;
    const { metered: _metered, executor: _executor, ...result } = output;
    const resultStart = performance.now();
    const answer = await call('POST', `/v1/leases/${lease.id}/result`, { output: result });
    options.onLease?.({
      phase: lease.phase,
      claimMs,
      workMs: resultStart - workStart,
      resultMs: performance.now() - resultStart,
      status: answer.status,
    });
    if (answer.status === 200) {
      const payment = (answer.body!.lease as { payment: { proceeds: string } | null }).payment;
      accepted.push({
        leaseId: lease.id,
        phase: lease.phase,
        workflowId: lease.workflowId,
        proceeds: payment?.proceeds ?? '0',
      });
      log(
        `node ${id}: ${lease.phase} of ${lease.workflowId} accepted, earned ${payment?.proceeds ?? '0'} FTNS`,
      );
    } else {
      refused.push({ leaseId: lease.id, status: answer.status, code: String(answer.body?.code) });
      log(
        `node ${id}: ${lease.phase} of ${lease.workflowId} refused: ${answer.status} ${String(answer.body?.code)}`,
      );
    }
  };

  const loop = (async () => {
    const id = await nodeId;
    const beat = setInterval(() => {
      call('POST', `/v1/nodes/${id}/heartbeat`).catch(() => undefined);
    }, options.heartbeatMs ?? 30_000);
    try {
      await call('POST', `/v1/nodes/${id}/heartbeat`);
      while (running && !abort.signal.aborted) {
        const claimStart = performance.now();
        const offered = await call('POST', `/v1/nodes/${id}/leases`);
        const claimMs = performance.now() - claimStart;
        if (offered.status === 204) continue;
        if (offered.status !== 200) {
          log(`node ${id}: no lease: ${offered.status} ${String(offered.body?.code)}`);
          if (offered.body?.code === 'node_inactive') await call('POST', `/v1/nodes/${id}/heartbeat`);
          await sleep(1000);
          continue;
        }
        holding = true;
        const taken = offered.body!.lease as { id: string; phase: string; workflowId: string };
        log(`node ${id}: took ${taken.phase} of ${taken.workflowId} (lease ${taken.id})`);
        try {
          await work(id, offered.body!.lease as never, offered.body!.context as LeaseContext, claimMs);
        } finally {
          holding = false;
        }
      }
    } catch (error) {
      if (!abort.signal.aborted) log(`node ${id}: stopped on ${(error as Error).message}`);
    } finally {
      clearInterval(beat);
    }
  })();

  return {
    nodeId,
    accepted,
    refused,
    busy: () => holding,
    stop: async () => {
      running = false;
      await loop;
    },
    kill: () => {
      running = false;
      abort.abort();
    },
  };
}
