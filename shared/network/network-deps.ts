import { type WorkflowDeps, workflowDeps } from '#shared/workflows/workflow-deps.js';
import { type NetworkConfig, networkConfig } from './network-config.js';

/** The network settles workflow phases, so it needs what workflows need, and its own settings. */
export interface NetworkDeps extends WorkflowDeps {
  network: NetworkConfig;
  /** How the lease wait sleeps between looks (tests and benchmarks keep the real one). */
  sleep: (ms: number) => Promise<void>;
}

let deps: NetworkDeps | undefined;

export function networkDeps(): NetworkDeps {
  deps ??= {
    ...workflowDeps(),
    network: networkConfig(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
  return deps;
}
