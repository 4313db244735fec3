import type { Check } from './check.js';
import type { CapabilityProbes, ProbeDeps } from './probe-deps.js';
import { budgetProbes } from './probes/budgets.js';
import { identityProbes } from './probes/identity.js';
import { ledgerProbes } from './probes/ledger.js';
import { marketplaceProbes } from './probes/marketplace.js';
import { networkProbes } from './probes/network.js';
import { platformProbes } from './probes/platform.js';
import { workflowProbes } from './probes/workflows.js';

/**
 * What a sweep checks: one entry per capability. A new capability adds its module under
 * `probes/` (its read path as a component, its rules as integrations) and one line here.
 */
export const capabilityProbes: readonly CapabilityProbes[] = [
  platformProbes,
  identityProbes,
  ledgerProbes,
  budgetProbes,
  marketplaceProbes,
  workflowProbes,
  networkProbes,
];

/** Every check of the given capabilities; two checks with one name would merge their metrics. */
export function checksOf(deps: ProbeDeps, probes: readonly CapabilityProbes[] = capabilityProbes): Check[] {
  const checks = probes.flatMap((probe) => probe.checks(deps));
  const names = checks.map((check) => check.name);
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  if (repeated) throw new Error(`health: two checks are named ${repeated}`);
  return checks;
}
