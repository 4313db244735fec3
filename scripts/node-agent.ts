import { parseArgs } from 'node:util';
import { startAgent } from '#shared/network/agent/agent.js';

/**
 * `npm run node -- --api <url> --key <api key> [--executor builtin|openai] [--name n] [--stake 100]`
 * (or PRSM_API_URL, PRSM_API_KEY): a provider node. Registers (or reuses) the key owner's node of
 * that name, heartbeats, takes leases, runs them and logs what it earns. Ctrl-C finishes the lease
 * in hand and stops; a second Ctrl-C stops at once (the lease then expires and is offered again).
 */
const { values } = parseArgs({
  options: {
    api: { type: 'string', default: process.env.PRSM_API_URL },
    key: { type: 'string', default: process.env.PRSM_API_KEY },
    executor: { type: 'string', default: 'builtin' },
    name: { type: 'string', default: 'node-agent' },
    stake: { type: 'string', default: '100' },
    capabilities: { type: 'string' },
  },
});

if (!values.api || !values.key) {
  console.error(
    'usage: npm run node -- --api <url> --key <api key> [--executor builtin|openai] (or PRSM_API_URL, PRSM_API_KEY)',
  );
  process.exit(2);
}
if (values.executor !== 'builtin') {
  // The lease protocol carries token caps for model phases, but the platform offers only the built-in phases yet.
  console.error(
    `--executor ${values.executor}: only builtin is served by the network so far (docs/network.md)`,
  );
  process.exit(2);
}

const agent = startAgent({
  api: values.api.replace(/\/$/, ''),
  key: values.key,
  name: values.name,
  stake: values.stake,
  ...(values.capabilities ? { capabilities: values.capabilities.split(',') } : {}),
});
agent.nodeId.then(
  (id) => console.log(`node ${id} (${values.name}) serving ${values.api}; Ctrl-C stops it`),
  (error: Error) => {
    console.error(error.message);
    process.exit(1);
  },
);

let stopping = false;
process.on('SIGINT', () => {
  if (stopping) {
    agent.kill();
    process.exit(130);
  }
  stopping = true;
  console.log(agent.busy() ? 'stopping after the lease in hand...' : 'stopping...');
  agent.stop().then(() => {
    const earned = agent.accepted.reduce((sum, lease) => sum + Number(lease.proceeds), 0);
    console.log(
      `stopped: ${agent.accepted.length} lease(s) accepted, about ${earned.toFixed(2)} FTNS earned`,
    );
    process.exit(0);
  });
});
