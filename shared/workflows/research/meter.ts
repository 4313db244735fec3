import type { Micro } from '#platform/money.js';
import {
  ceilMicro,
  type ModelPrice,
  type ModelPriceList,
  modelPriceOf,
  tokenCharge,
} from '#shared/prices/model-prices.js';
import type { ModelRole, ModelSettings } from '../models/config.js';
import {
  type ChatMessage,
  type ChatResult,
  ModelCallError,
  type ModelClient,
  type OutputSchema,
  type StructuredResult,
} from '../models/types.js';
import { PhaseFailure } from './failure.js';

/**
 * What a model phase may spend, and what it spent. Each phase has a fixed plan of calls (which
 * role, how many, the input and output caps of each); its hold is the plan's worst case under
 * the model prices, and the meter refuses any call whose worst case no longer fits in what is
 * left of the hold. The phase is charged its measured usage, rounded up once to the micro-FTNS.
 */
export type CallRole = ModelRole | 'phase';

export interface CallSlot {
  step: string;
  role: CallRole;
  /** The most calls of this step the phase makes. */
  calls: number;
  /** Input cap: the messages are clipped to INPUT_CHARS_PER_TOKEN characters per token of it. */
  inputTokens: number;
  /** The request's maxOutputTokens. */
  outputTokens: number;
}

export const MAX_SUB_QUESTIONS = 6;

/** Characters kept per token of the input cap: English runs near four per token, so this leaves room. */
export const INPUT_CHARS_PER_TOKEN = 2;

/** A structured request may be repaired once: a second exchange that resends the answer. */
const REPAIRS = 1;

export const CALL_PLANS: Readonly<Record<string, CallSlot[]>> = {
  teacher: [{ step: 'decompose', role: 'phase', calls: 1, inputTokens: 2_000, outputTokens: 3_000 }],
  prompter: [
    { step: 'write_prompts', role: 'phase', calls: 1, inputTokens: 4_000, outputTokens: 2_000 },
    {
      step: 'try_prompt',
      role: 'student',
      calls: 2 * MAX_SUB_QUESTIONS,
      inputTokens: 1_000,
      outputTokens: 500,
    },
    { step: 'grade', role: 'teacher', calls: 1, inputTokens: 12_000, outputTokens: 1_000 },
  ],
  codegen: [{ step: 'generate_code', role: 'phase', calls: 1, inputTokens: 4_000, outputTokens: 3_000 }],
  student: [
    { step: 'unaided', role: 'phase', calls: 1, inputTokens: 2_000, outputTokens: 3_000 },
    { step: 'answer', role: 'phase', calls: MAX_SUB_QUESTIONS, inputTokens: 1_000, outputTokens: 500 },
    { step: 'grade', role: 'teacher', calls: 1, inputTokens: 12_000, outputTokens: 1_000 },
  ],
  multi_agent: [
    { step: 'critic', role: 'phase', calls: 1, inputTokens: 10_000, outputTokens: 1_500 },
    { step: 'reviser', role: 'phase', calls: 1, inputTokens: 12_000, outputTokens: 3_000 },
    { step: 'synthesiser', role: 'phase', calls: 1, inputTokens: 12_000, outputTokens: 3_000 },
  ],
};

export const isModelPhase = (phaseId: string): boolean => phaseId in CALL_PLANS;

export const modelOfSlot = (settings: ModelSettings, phaseId: string, role: CallRole): string =>
  role === 'phase' ? settings.phases[phaseId]!.model : settings.roles[role];

/** The tokens one call of a slot may use at most, its repair included. */
const worstTokens = (slot: CallSlot) => ({
  inputTokens: slot.inputTokens * (1 + REPAIRS) + slot.outputTokens * REPAIRS,
  outputTokens: slot.outputTokens * (1 + REPAIRS),
});

export class UnpricedModelError extends Error {
  constructor(readonly model: string) {
    super(`model ${model} has no price`);
  }
}

const priceOf = (prices: ModelPriceList, model: string): ModelPrice => {
  const price = modelPriceOf(prices, model);
  if (!price) throw new UnpricedModelError(model);
  return price;
};

/** A call's worst case in millionths of a micro-FTNS. */
const worstCharge = (slot: CallSlot, price: ModelPrice): bigint => tokenCharge(worstTokens(slot), price);

/** The hold of a model phase: every call of its plan at its worst, rounded up to the micro-FTNS. */
export function phaseHold(settings: ModelSettings, prices: ModelPriceList, phaseId: string): Micro {
  const charge = (CALL_PLANS[phaseId] ?? []).reduce(
    (sum, slot) =>
      sum +
      BigInt(slot.calls) * worstCharge(slot, priceOf(prices, modelOfSlot(settings, phaseId, slot.role))),
    0n,
  );
  return ceilMicro(charge);
}

/** One exchange with a model, as billed. */
export interface UsageLine {
  step: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
}

export interface Metered {
  usage: UsageLine[];
  /** ceil(sum of tokens x prices / 1e6), never above the hold. */
  cost: Micro;
  /** The exact sum of tokens x prices, in millionths of a micro-FTNS: what attempts add up. */
  charge: bigint;
}

/** What a phase sent and got back, for its artifact. */
export interface Exchange {
  step: string;
  model: string;
  messages: ChatMessage[];
  content: string | null;
  parsed?: unknown;
  error?: string;
}

const clipMessages = (messages: ChatMessage[], chars: number): ChatMessage[] => {
  let left = chars;
  return messages.map((message) => {
    const content = message.content.length <= left ? message.content : `${message.content.slice(0, left)}…`;
    left = Math.max(0, left - content.length);
    return { ...message, content };
  });
};

const PERMANENT = new Set(['invalid_output', 'rejected']);

export class PhaseMeter {
  readonly usage: UsageLine[] = [];
  readonly exchanges: Exchange[] = [];
  private charge = 0n;
  /** The worst cases of the calls under way: concurrent calls must fit in the hold together. */
  private pending = 0n;

  constructor(
    private readonly phaseId: string,
    private readonly hold: Micro,
    private readonly settings: ModelSettings,
    private readonly prices: ModelPriceList,
    private readonly clientOf: (model: string) => ModelClient,
    private readonly signal?: AbortSignal,
  ) {}

  private slot(step: string): CallSlot {
    const slot = CALL_PLANS[this.phaseId]?.find((s) => s.step === step);
    if (!slot) throw new Error(`no call ${step} in the plan of ${this.phaseId}`);
    return slot;
  }

  /** Whether one more call of `step` fits in what is left of the hold. */
  fits(step: string): boolean {
    return ceilMicro(this.charge + this.pending + this.worst(step)) <= this.hold;
  }

  private worst(step: string): bigint {
    const slot = this.slot(step);
    return worstCharge(slot, priceOf(this.prices, modelOfSlot(this.settings, this.phaseId, slot.role)));
  }

  async structured<T>(step: string, messages: ChatMessage[], output: OutputSchema<T>): Promise<T> {
    const result = await this.call(step, messages, (client, request) =>
      client.structured({ ...request, output }),
    );
    return (result as StructuredResult<T>).value;
  }

  async chat(step: string, messages: ChatMessage[]): Promise<string> {
    return (await this.call(step, messages, (client, request) => client.chat(request))).content;
  }

  private async call(
    step: string,
    messages: ChatMessage[],
    send: (
      client: ModelClient,
      request: { messages: ChatMessage[]; maxOutputTokens: number; signal?: AbortSignal },
    ) => Promise<ChatResult>,
  ): Promise<ChatResult> {
    const slot = this.slot(step);
    const model = modelOfSlot(this.settings, this.phaseId, slot.role);
    if (!this.fits(step)) {
      throw new PhaseFailure(
        'hold_exhausted',
        `the ${this.phaseId} phase has no room left in its hold for ${step}`,
      );
    }
    const sent = clipMessages(messages, slot.inputTokens * INPUT_CHARS_PER_TOKEN);
    const exchange: Exchange = { step, model, messages: sent, content: null };
    this.exchanges.push(exchange);
    const worst = this.worst(step);
    this.pending += worst;
    try {
      const result = await send(this.clientOf(model), {
        messages: sent,
        maxOutputTokens: slot.outputTokens,
        ...(this.signal ? { signal: this.signal } : {}),
      });
      this.record(step, model, result.calls);
      exchange.content = result.content;
      if ('value' in result) exchange.parsed = result.value;
      return result;
    } catch (error) {
      exchange.error = String((error as Error).message ?? error);
      if (!(error instanceof ModelCallError)) throw error;
      this.record(step, model, error.calls);
      // An answer that stays malformed, or a request the provider refuses, fails the same way
      // on every delivery: the workflow stops. Rate limits, outages and timeouts are retried.
      if (PERMANENT.has(error.kind))
        throw new PhaseFailure(`model_${error.kind}`, `${step}: ${error.message}`);
      throw error;
    } finally {
      this.pending -= worst;
    }
  }

  private record(step: string, model: string, calls: ChatResult['calls']) {
    const price = priceOf(this.prices, model);
    for (const call of calls) {
      if (!call.usage) continue;
      this.usage.push({
        step,
        model,
        inputTokens: call.usage.inputTokens,
        outputTokens: call.usage.outputTokens,
      });
      this.charge += tokenCharge(call.usage, price);
    }
  }

  metered(): Metered {
    const cost = ceilMicro(this.charge);
    // The caps keep every call inside the hold; a provider that counted more tokens than the caps
    // allow is still never charged beyond what the researcher agreed to hold.
    // biome-ignore lint/complexity/useMathMinMax: bigints, which Math.min does not take
    return { usage: this.usage, cost: cost < this.hold ? cost : this.hold, charge: this.charge };
  }
}

/** What a failed attempt had used when it failed: billed like any usage (see `spent.ts`). */
const spentByFailure = new WeakMap<object, Metered>();

export function withSpent(error: unknown, metered: Metered): unknown {
  if (typeof error === 'object' && error !== null && metered.usage.length > 0)
    spentByFailure.set(error, metered);
  return error;
}

export const spentOf = (error: unknown): Metered | undefined =>
  typeof error === 'object' && error !== null ? spentByFailure.get(error) : undefined;

/** The cost of usage lines under a price list: what the API's figures add up to. */
export const usageCost = (usage: UsageLine[], prices: ModelPriceList): Micro =>
  ceilMicro(usage.reduce((sum, line) => sum + tokenCharge(line, priceOf(prices, line.model)), 0n));
