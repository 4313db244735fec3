import type { ModelPriceList } from '#shared/prices/model-prices.js';
import type { PriceList } from '#shared/prices/price-list.js';
import type { SafetyPolicy } from './safety.js';

/**
 * What a workflow was quoted under, kept in its item at submission: the prices its holds were
 * computed from and the safety policy its prompt was screened by. Its phases charge and audit by
 * these, so a phase reads neither the price list nor the policy, and an admin's change applies to
 * workflows submitted after it (what a quote means). One JSON string attribute, like phase results.
 */
export interface WorkflowSnapshot {
  prices: { components: PriceList; models: ModelPriceList };
  /** Absent when the policy is too large to carry (then the phases read it). */
  policy: SafetyPolicy | null;
}

export const SNAPSHOT_ATTRIBUTE = 'snapshot';

/** Well under DynamoDB's 400 KB item, beside an 8,000-character prompt and the phases' results. */
const POLICY_CHARS = 32_000;

export function snapshotJson(prices: WorkflowSnapshot['prices'], policy: SafetyPolicy): string {
  const policyJson = JSON.stringify(policy);
  return JSON.stringify({
    prices: {
      components: Object.fromEntries(
        Object.entries(prices.components).map(([name, price]) => [name, String(price)]),
      ),
      models: Object.fromEntries(
        Object.entries(prices.models).map(([model, price]) => [
          model,
          {
            inputPerMillion: String(price.inputPerMillion),
            outputPerMillion: String(price.outputPerMillion),
          },
        ]),
      ),
    },
    policy: policyJson.length <= POLICY_CHARS ? policy : null,
  });
}

/** The snapshot of a stored workflow item; null for one submitted before snapshots were kept. */
export function snapshotOf(item: Record<string, unknown> | undefined): WorkflowSnapshot | null {
  const value = item?.[SNAPSHOT_ATTRIBUTE];
  if (typeof value !== 'string') return null;
  const parsed = JSON.parse(value) as {
    prices: { components: Record<string, string>; models: Record<string, Record<string, string>> };
    policy: SafetyPolicy | null;
  };
  return {
    prices: {
      components: Object.fromEntries(
        Object.entries(parsed.prices.components).map(([name, price]) => [name, BigInt(price)]),
      ),
      models: Object.fromEntries(
        Object.entries(parsed.prices.models).map(([model, price]) => [
          model,
          {
            inputPerMillion: BigInt(price.inputPerMillion!),
            outputPerMillion: BigInt(price.outputPerMillion!),
          },
        ]),
      ),
    },
    policy: parsed.policy,
  };
}
