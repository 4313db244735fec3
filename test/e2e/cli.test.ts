import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { configPath } from '#cli/config.js';
import type { Json } from '../support/http.js';
import { useRuntime } from '../support/runtime.js';
import { freshConfigHome, prsm } from './cli-support.js';
import { marketplace } from './marketplace-support.js';
import { EXAMPLE_QUERY, PHASE_IDS } from './workflows-support.js';

/** The `prsm` CLI as a subprocess against the local runtime: what a shell user types, and its exit codes. */
const t = useRuntime(import.meta.filename);

describe('prsm CLI', () => {
  let env: Record<string, string>;
  let ada: { id: string; key: string };
  let bob: { id: string; key: string };
  let budget: Json;

  beforeAll(async () => {
    ada = await t.newUser('Ada');
    bob = await t.newUser('Bob');
    expect((await t.grant(ada.id, '500')).status).toBe(201);
    env = { PRSM_API_URL: t.runtime.url, PRSM_API_KEY: ada.key, XDG_CONFIG_HOME: await freshConfigHome() };
    const created = await prsm(['budgets', 'create', '--name', 'Research', '--total', '200', '--json'], env);
    expect(created.code, created.stderr).toBe(0);
    budget = created.json();
  });

  it('says who the key belongs to and what it holds, as JSON and as text', async () => {
    const whoami = await prsm(['whoami', '--json'], env);
    expect(whoami.code, whoami.stderr).toBe(0);
    expect(whoami.json()).toMatchObject({ id: ada.id, name: 'Ada', role: 'user' });
    const balance = await prsm(['balance'], env);
    expect(balance.code, balance.stderr).toBe(0);
    expect(balance.stdout).toMatch(/^balance\s+500\.00 FTNS$/m);
    expect(budget).toMatchObject({ name: 'Research', total: '200.00', status: 'active' });
  });

  it('runs the example query with --follow and returns the completed workflow, its report saved with --out', async () => {
    const out = join(env.XDG_CONFIG_HOME!, 'report.txt');
    const run = await prsm(
      [
        'run',
        EXAMPLE_QUERY,
        '--budget',
        budget.id,
        '--executor',
        'builtin',
        '--follow',
        '--out',
        out,
        '--json',
      ],
      env,
    );
    expect(run.code, run.stderr).toBe(0);
    const workflow = run.json();
    expect(workflow).toMatchObject({ status: 'completed', totalCost: '112.90', executor: 'builtin' });
    expect(workflow.phases.map((phase: Json) => phase.id)).toEqual(PHASE_IDS);
    expect(await readFile(out, 'utf8')).toBe(workflow.response.responseText);
    expect(workflow.response.responseText).toContain(EXAMPLE_QUERY);

    const listed = await prsm(['workflows', 'ls', '--json'], env);
    expect(listed.json().items.map((item: Json) => item.id)).toContain(workflow.id);
    const shown = await prsm(['workflows', 'show', workflow.id], env);
    expect(shown.stdout).toMatch(/^status\s+completed$/m);
    expect(shown.stdout).toMatch(/^cost\s+112\.90$/m);

    const dir = join(env.XDG_CONFIG_HOME!, 'artifacts');
    const artifacts = await prsm(['workflows', 'artifacts', workflow.id, '--download', dir, '--json'], env);
    expect(artifacts.code, artifacts.stderr).toBe(0);
    expect((await readdir(dir)).sort()).toEqual(PHASE_IDS.map((id) => `${id}.json`).sort());
    for (const phase of workflow.phases) {
      const bytes = await readFile(join(dir, `${phase.id}.json`));
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(phase.artifact.sha256);
    }
  });

  it('shows a workflow run without --json as progress on standard error and the report on standard output', async () => {
    const second = (
      await prsm(['budgets', 'create', '--name', 'Second', '--total', '150', '--json'], env)
    ).json();
    const run = await prsm(
      ['run', EXAMPLE_QUERY, '--budget', second.id, '--follow', '--interval', '100'],
      env,
    );
    expect(run.code, run.stderr).toBe(0);
    // Not a terminal: one line per phase as it changes, each with the cost so far.
    expect(run.stderr).toMatch(/^submitted wf_\w+, estimate 112\.90 FTNS$/m);
    expect(run.stderr).toMatch(/^settlement completed 18\.25 \(\d+\.\d{2} FTNS so far\)$/m);
    expect(run.stdout).toMatch(/^Deterministic demonstration \(builtin-demo\)/);
    expect(run.stdout).toMatch(/^completed: 112\.90 FTNS$/m);
  });

  it('buys a listing with market buy, and orders ls shows the order', async () => {
    const seller = await t.newUser('Seller');
    const listing = await marketplace(t).createListing(seller.key, {
      title: 'Photonic spectra',
      price: '10.00',
    });
    const found = await prsm(['market', 'search', 'Photonic', '--json'], env);
    expect(found.json().items.map((item: Json) => item.id)).toContain(listing.id);
    const shown = await prsm(['market', 'show', listing.id], env);
    expect(shown.stdout).toMatch(/^price\s+10\.00 FTNS \(one_time\)$/m);

    const shopping = (
      await prsm(['budgets', 'create', '--name', 'Shopping', '--total', '50', '--json'], env)
    ).json();
    const bought = await prsm(['market', 'buy', listing.id, '--budget', shopping.id, '--json'], env);
    expect(bought.code, bought.stderr).toBe(0);
    const order = bought.json();
    expect(order).toMatchObject({ status: 'completed', total: '10.00', budgetId: shopping.id });

    const orders = await prsm(['orders', 'ls', '--json'], env);
    expect(orders.code, orders.stderr).toBe(0);
    expect(orders.json().items).toContainEqual(expect.objectContaining({ id: order.id, total: '10.00' }));
    const table = await prsm(['orders', 'ls'], env);
    expect(table.stdout).toContain(order.id);
    const spent = await prsm(['budgets', 'show', shopping.id, '--json'], env);
    expect(spent.json()).toMatchObject({ spent: '10.00', remaining: '40.00' });
  });

  it('transfers and charges, and exits 1 with the problem code when the API refuses', async () => {
    const sent = await prsm(['transfer', bob.id, '1.25', '--memo', 'thanks', '--json'], env);
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.json()).toMatchObject({ from: ada.id, to: bob.id, amount: '1.25', memo: 'thanks' });
    const charged = await prsm(
      ['budgets', 'charge', budget.id, '2.50', '--category', 'compute', '--json'],
      env,
    );
    expect(charged.code, charged.stderr).toBe(0);
    expect(charged.json()).toMatchObject({ amount: '2.50', category: 'compute', budgetId: budget.id });

    const refused = await prsm(['transfer', bob.id, '100000'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: insufficient_funds \(402\): /m);
    const refusedJson = await prsm(['transfer', bob.id, '100000', '--json'], env);
    expect(refusedJson.code).toBe(1);
    expect(refusedJson.json()).toMatchObject({ status: 402, code: 'insufficient_funds' });
    const unknown = await prsm(['budgets', 'show', 'bud_nope'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('not_found');
    const unauthorised = await prsm(['whoami'], { ...env, PRSM_API_KEY: 'prsm_not_a_key' });
    expect(unauthorised.code).toBe(1);
    expect(unauthorised.stderr).toContain('unauthorized');
  });

  it('exits 2 on usage errors, before any request', async () => {
    for (const args of [
      ['transfer', bob.id, '1.5.5'],
      ['transfer', bob.id, '0.1234567'],
      ['transfer', bob.id],
      ['budgets', 'create', '--total', '10'],
      ['run', 'a query'],
      ['run', 'a query', '--budget', 'b', '--executor', 'nobody'],
      ['no-such-command'],
      ['budgets'],
      ['orders', 'ls', '--limit', 'many'],
    ]) {
      const result = await prsm(args, { ...env, PRSM_API_URL: 'http://127.0.0.1:9' });
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(2);
      expect(result.stderr).toMatch(/error|Usage/);
    }
  });

  it('answers --help on every command with exit 0', async () => {
    const commands = [
      [],
      ['login'],
      ['whoami'],
      ['balance'],
      ['transfer'],
      ['budgets'],
      ['budgets', 'ls'],
      ['budgets', 'show'],
      ['budgets', 'create'],
      ['budgets', 'charge'],
      ['market', 'search'],
      ['market', 'show'],
      ['market', 'buy'],
      ['orders', 'ls'],
      ['orders', 'refund'],
      ['run'],
      ['workflows', 'ls'],
      ['workflows', 'show'],
      ['workflows', 'cancel'],
      ['workflows', 'artifacts'],
    ];
    for (const command of commands) {
      const help = await prsm([...command, '--help']);
      expect(help.code, command.join(' ')).toBe(0);
      expect(help.stdout).toContain(`Usage: prsm${command.length ? ` ${command.join(' ')}` : ''}`);
      expect(help.stdout).toContain('--json');
    }
  });

  it('is the package bin: npx prsm runs it in the repository', async () => {
    const { stdout } = await promisify(execFile)('npx', ['--no-install', 'prsm', '--help'], {
      cwd: join(import.meta.dirname, '..', '..'),
    });
    expect(stdout).toContain('Usage: prsm [options] [command]');
  });

  it('logs in: checks the key, stores it with mode 0600, and later commands use it', async () => {
    const home = await freshConfigHome();
    const login = await prsm(['login', '--api-key', bob.key], {
      PRSM_API_URL: t.runtime.url,
      XDG_CONFIG_HOME: home,
    });
    expect(login.code, login.stderr).toBe(0);
    const path = configPath({ XDG_CONFIG_HOME: home });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ apiUrl: t.runtime.url, apiKey: bob.key });
    const whoami = await prsm(['whoami', '--json'], { XDG_CONFIG_HOME: home });
    expect(whoami.json()).toMatchObject({ id: bob.id });

    const wrong = await prsm(['login', '--api-key', 'prsm_wrong'], {
      PRSM_API_URL: t.runtime.url,
      XDG_CONFIG_HOME: await freshConfigHome(),
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('unauthorized');
  });
});
