import type { Micro } from '#platform/money.js';
import type { ModelPriceList } from '#shared/prices/model-prices.js';
import type { PhaseDefinition } from '#shared/prices/phases.js';
import type { Metered } from '../research/meter.js';
import type { SafetyPolicy } from '../safety.js';
import type { AuditTrail, PhaseState, Preferences } from '../workflow.js';

/** An earlier phase's artifact: the exact bytes in S3 and their parsed content. */
export interface StoredArtifact {
  raw: Buffer;
  document: ArtifactDocument;
}

/** What every artifact holds; `data` is the phase's own structured output. */
export interface ArtifactDocument {
  workflowId: string;
  phase: { number: number; id: string; name: string; category: string };
  components: string[];
  executor: string;
  summary: string;
  data: Record<string, unknown>;
}

export interface PhaseContext {
  workflowId: string;
  phase: PhaseDefinition;
  prompt: string;
  preferences: Preferences;
  /** The teacher's only: the marketplace listings the workflow named, described. */
  listingContext?: string;
  /** The earlier phases as recorded (status, summary, hash, cost). */
  earlier: PhaseState[];
  /** An earlier phase's artifact, read from S3 on first use. */
  artifact(phaseId: string): Promise<StoredArtifact>;
  /** The safety policy (phrase lists, threshold), read on first use. */
  safety(): Promise<SafetyPolicy>;
  audit: AuditTrail | null;
  /** This phase's cost under the current price list (its components'; a model phase's is metered). */
  cost: Micro;
  /** What the phase's hold covers: a model phase may spend no more. */
  hold: Micro;
  modelPrices: ModelPriceList;
  /** The workflow's executor, as the phases record it. */
  executorName: string;
  /** Fires before the function's time is up: model calls stop in time to record the failure. */
  signal?: AbortSignal;
  /** 1 on the first delivery of the phase's message. */
  attempt: number;
}

export interface PhaseOutput {
  /** Which executor did the work, when not the one called (an adapter may leave a phase to another). */
  executor?: string;
  summary: string;
  data: Record<string, unknown>;
  /** The audit trail after this phase (the security and last phases write it). */
  audit?: AuditTrail;
  /** A model phase's usage and its cost: what the phase is charged instead of its components. */
  metered?: Metered;
  /** The last phase's report: the workflow's response text. */
  report?: string;
}

/** Does one phase's work. Implementations: built-in (deterministic, no network) and a model adapter. */
export interface PhaseExecutor {
  readonly name: string;
  execute(context: PhaseContext): Promise<PhaseOutput>;
}

/** Summaries are short by contract: they are kept in the workflow item and shown in listings. */
export const MAX_SUMMARY_CHARS = 400;

export const clip = (text: string, max = MAX_SUMMARY_CHARS): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
};
