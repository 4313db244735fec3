import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sqsClient } from '#platform/aws-clients.js';
import { observePhases, type PhaseReport } from '#shared/workflows/timings.js';
import { useRuntime } from '../support/runtime.js';
import { GENEROUS_WAIT_MS } from '../support/waits.js';
import {
  account,
  audit,
  budget,
  EXAMPLE_QUERY,
  finished,
  holds,
  PHASE_IDS,
  researcher,
  submitted,
  waitFor,
} from './workflows-support.js';

/**
 * Redelivery, for real: the local runtime runs in this process, so a middleware on the SQS
 * client that the API and the phase runner share (`sqsClient()`) can send every phase message
 * twice to the real queue, or fail a send right after the phase's commit. Both copies are then
 * delivered by the poller like any message (often in one batch, so the two run concurrently).
 */
const t = useRuntime(import.meta.filename);
let phasesUrl: string;
let mode: 'off' | 'duplicate' | 'fail-first-send' = 'off';
const failedSends = new Set<string>();
const sent: string[] = [];
const reports: PhaseReport[] = [];
let stopObserving: () => void;

beforeAll(async () => {
  phasesUrl = t.runtime.resources.queueUrls['workflow-phases']!;
  stopObserving = observePhases((report) => reports.push(report));
  sqsClient().middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as { QueueUrl?: string; MessageBody?: string };
      const isPhase = input.QueueUrl === phasesUrl && input.MessageBody !== undefined;
      if (isPhase && mode === 'fail-first-send') {
        const { phase } = JSON.parse(input.MessageBody!) as { phase: string };
        // The send after the commit of phases 2 and 5 fails once: a crash between commit and send.
        if (['codegen', 'multi_agent'].includes(phase) && !failedSends.has(phase)) {
          failedSends.add(phase);
          throw new Error(`injected: the send of ${phase} was lost`);
        }
      }
      const result = await next(args);
      if (isPhase) sent.push(input.MessageBody!);
      if (isPhase && mode === 'duplicate') {
        await next(args);
        sent.push(input.MessageBody!);
      }
      return result;
    },
    { step: 'initialize', name: 'redeliveryTest' },
  );
});

afterEach(() => {
  mode = 'off';
  reports.length = 0;
  sent.length = 0;
});

afterAll(async () => {
  stopObserving();
  sqsClient().middlewareStack.remove('redeliveryTest');
});

async function drained(): Promise<void> {
  const sqs = new SQSClient({});
  try {
    const until = Date.now() + GENEROUS_WAIT_MS;
    while (Date.now() < until) {
      const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: phasesUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      if (
        Attributes.ApproximateNumberOfMessages === '0' &&
        Attributes.ApproximateNumberOfMessagesNotVisible === '0'
      )
        return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('the phase queue did not drain');
  } finally {
    sqs.destroy();
  }
}

async function expectChargedOnce(who: { key: string; budgetId: string }, id: string, granted: number) {
  const workflow = await waitFor(t, who.key, id, finished);
  expect(workflow.status).toBe('completed');
  expect(workflow.totalCost).toBe('112.90');
  expect(await account(t, who.key)).toMatchObject({
    balance: `${granted - 113}.10`,
    held: '0.00',
  });
  const mine = await holds(t, who.key);
  expect(mine.filter((h: { status: string }) => h.status === 'captured')).toHaveLength(7);
  const read = await budget(t, who.key, who.budgetId);
  expect(read).toMatchObject({ spent: '112.90', reserved: '0.00' });
  const charges = await t.api('GET', `/v1/budgets/${who.budgetId}/charges?limit=100`, { key: who.key });
  expect(charges.body.items).toHaveLength(7);
  const books = await audit(t);
  expect(books.sumOfBalances).toBe('0.00');
  expect(books.budgetDrift).toEqual([]);
  return workflow;
}

describe('Redelivery: every phase message delivered twice', () => {
  it('charges 112.90 once, captures each phase once and queues each next phase once', async () => {
    const who = await researcher(t, { grant: '500', total: '150' });
    mode = 'duplicate';
    const id = await submitted(t, who, { prompt: EXAMPLE_QUERY });
    const workflow = await expectChargedOnce(who, id, 500);
    await drained();
    // Two sends of each of the seven phase messages, all delivered.
    const bodies = sent.map((body) => JSON.parse(body).phase as string);
    for (const phase of PHASE_IDS) expect(bodies.filter((p) => p === phase).length).toBeGreaterThanOrEqual(2);
    const mine = reports.filter((r) => r.workflowId === id);
    expect(mine.length).toBeGreaterThanOrEqual(14);
    // Exactly one delivery per phase paid; every other copy found the phase taken or done.
    expect(
      mine
        .filter((r) => r.outcome === 'completed')
        .map((r) => r.phase)
        .sort(),
    ).toEqual([...PHASE_IDS].sort());
    expect(
      mine.filter((r) => r.outcome !== 'completed').every((r) => ['duplicate', 'stale'].includes(r.outcome)),
    ).toBe(true);
    expect(
      workflow.phases.reduce((sum: number, p: { attempts: number }) => sum + p.attempts, 0),
    ).toBeGreaterThanOrEqual(7);
  });

  it('ignores every phase message sent again after the workflow completed', async () => {
    const who = await researcher(t, { grant: '500', total: '150' });
    const id = await submitted(t, who, { prompt: EXAMPLE_QUERY });
    const before = await expectChargedOnce(who, id, 500);
    const sqs = new SQSClient({});
    for (const phase of PHASE_IDS) {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: phasesUrl,
          MessageBody: JSON.stringify({ workflowId: id, phase }),
        }),
      );
    }
    sqs.destroy();
    await drained();
    const after = await expectChargedOnce(who, id, 500);
    expect(after.phases).toEqual(
      before.phases.map((p: Record<string, unknown>) => ({
        ...p,
        artifact: expect.objectContaining({ sha256: (p.artifact as { sha256: string }).sha256 }),
      })),
    );
    const late = reports.filter((r) => r.workflowId === id && r.outcome !== 'completed');
    expect(late).toHaveLength(7);
  });
});

describe('Redelivery: a send lost after the commit', () => {
  it('re-sends the next phase from the redelivered message and still charges once', async () => {
    const who = await researcher(t, { grant: '500', total: '150' });
    mode = 'fail-first-send';
    const id = await submitted(t, who, { prompt: EXAMPLE_QUERY });
    const workflow = await expectChargedOnce(who, id, 500);
    expect([...failedSends].sort()).toEqual(['codegen', 'multi_agent']);
    const mine = reports.filter((r) => r.workflowId === id);
    // Phases 2 and 5 were delivered again: the redelivery found them paid and sent the next one.
    expect(
      mine
        .filter((r) => r.outcome === 'duplicate')
        .map((r) => r.phase)
        .sort(),
    ).toEqual(['prompter', 'security']);
    expect(workflow.phases.find((p: { id: string }) => p.id === 'prompter').attempts).toBe(1);
  });
});
