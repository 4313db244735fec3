import type { Micro } from '#platform/money.js';
import type { ModelPriceList } from '#shared/prices/model-prices.js';
import { PHASES } from '#shared/prices/phases.js';
import { type PriceList, phaseCost } from '#shared/prices/price-list.js';
import { ExecutorUnavailableError, ModelUnpricedError } from './errors.js';
import type { ModelSettings } from './models/config.js';
import { isModelPhase, phaseHold, UnpricedModelError } from './research/meter.js';
import type { ExecutorName } from './workflow.js';

/**
 * What each phase holds: its components' prices on the built-in executor; on a model provider,
 * a model phase holds its plan's worst case (every call at its token caps) under the model
 * prices, and captures what it used. Submission holds these; estimates show them.
 */
export function phaseHolds(
  models: ModelSettings | null,
  executor: ExecutorName,
  prices: { components: PriceList; models: ModelPriceList },
): Micro[] {
  // The provider network runs the built-in phases on its nodes, at the same prices.
  if (executor === 'builtin' || executor === 'network')
    return PHASES.map((phase) => phaseCost(phase, prices.components));
  if (!models || models.provider !== executor) {
    throw new ExecutorUnavailableError(executor, ['builtin', ...(models ? [models.provider] : [])]);
  }
  try {
    return PHASES.map((phase) =>
      isModelPhase(phase.id)
        ? phaseHold(models, prices.models, phase.id)
        : phaseCost(phase, prices.components),
    );
  } catch (error) {
    if (error instanceof UnpricedModelError) throw new ModelUnpricedError(error.model);
    throw error;
  }
}

/** A model workflow's holds per budget category: the lines of its estimate. */
export function holdLines(
  models: ModelSettings | null,
  executor: ExecutorName,
  prices: { components: PriceList; models: ModelPriceList },
): { category: string; amount: Micro }[] {
  const holds = phaseHolds(models, executor, prices);
  return PHASES.map((phase, i) => ({ category: phase.category, amount: holds[i]! }));
}
