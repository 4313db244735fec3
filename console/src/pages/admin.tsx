import { useMemo, useState } from 'preact/hooks';
import { call, get, getAll, type Page } from '../api.js';
import type { ApiKey, ComponentPrice, HealthCheck, HealthReport, Me } from '../types.js';
import { Problem, Show, useAction, useLoad } from '../ui/async.js';
import { TimeChart } from '../ui/chart.js';
import { StatusBadge, when } from '../ui/figures.js';
import { Title } from '../ui/layout.js';
import { FtnsCell, Table } from '../ui/table.js';

export function AdminPage() {
  return (
    <>
      <Title>Admin</Title>
      <Health />
      <div class="columns">
        <Users />
        <Keys />
      </div>
      <Prices />
    </>
  );
}

function Health() {
  const history = useLoad(() => get<Page<HealthReport>>('/v1/health/history?limit=50'), []);
  const sweep = useAction(async () => {
    await call('POST', '/v1/health/sweeps');
    history.reload();
  });
  return (
    <section class="card" aria-labelledby="health-title">
      <h2 id="health-title">Health</h2>
      <Show loaded={history} what="the health history">
        {(page) => <HealthView reports={page.items} />}
      </Show>
      <button type="button" class="secondary" disabled={sweep.busy} onClick={sweep.run}>
        {sweep.busy ? 'Sweeping…' : 'Run a sweep now'}
      </button>
      {sweep.error ? <Problem error={sweep.error} /> : null}
    </section>
  );
}

function HealthView({ reports }: { reports: HealthReport[] }) {
  const series = useMemo(() => {
    const oldestFirst = [...reports].sort((a, b) => (a.checkedAt < b.checkedAt ? -1 : 1));
    return {
      xs: oldestFirst.map((r) => Date.parse(r.checkedAt) / 1000),
      ys: oldestFirst.map((r) => r.score),
    };
  }, [reports]);
  const latest = reports.reduce<HealthReport | undefined>(
    (newest, r) => (!newest || r.checkedAt > newest.checkedAt ? r : newest),
    undefined,
  );
  if (!latest) return <p class="muted">No sweep has run yet.</p>;
  return (
    <>
      <p>
        <StatusBadge status={latest.status} /> score{' '}
        <strong data-testid="health-score">{latest.score}</strong> ({latest.band},{' '}
        {latest.ready ? 'ready' : 'not ready'}) <span class="muted">at {when(latest.checkedAt)}</span>
      </p>
      <TimeChart
        label="Health score history"
        xs={series.xs}
        ys={series.ys}
        yRange={[0, 100]}
        xPadSeconds={300}
      />
      <h3>Checks of the last sweep</h3>
      <Table columns={['Check', 'Kind', 'Status', 'Detail', { label: 'ms', num: true }]}>
        {(
          [
            ['component', latest.components],
            ['dependency', latest.dependencies],
            ['integration', latest.integrations],
          ] as [string, HealthCheck[]][]
        ).flatMap(([kind, checks]) =>
          checks.map((check) => (
            <tr key={`${kind}-${check.name}`}>
              <td>{check.name}</td>
              <td>{kind}</td>
              <td>
                <StatusBadge status={check.status} />
              </td>
              <td>{check.detail}</td>
              <td class="num">{check.latencyMs}</td>
            </tr>
          )),
        )}
      </Table>
    </>
  );
}

function Users() {
  const [name, setName] = useState('');
  const [role, setRole] = useState<'user' | 'admin'>('user');
  const [created, setCreated] = useState<{ user: Me; apiKey: string }>();
  const create = useAction(async () => {
    setCreated(await call('POST', '/v1/users', { body: { name: name.trim(), role } }));
    setName('');
  });
  return (
    <section class="card" aria-labelledby="users-title">
      <h2 id="users-title">Create a user</h2>
      <form
        class="stack"
        onSubmit={(event) => {
          event.preventDefault();
          void create.run();
        }}
      >
        <label>
          Name
          <input required maxLength={100} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.currentTarget.value as 'user' | 'admin')}>
            <option value="user">user</option>
            <option value="admin">admin</option>
          </select>
        </label>
        <button type="submit" disabled={create.busy || !name.trim()}>
          Create user
        </button>
      </form>
      {create.error ? <Problem error={create.error} /> : null}
      {created ? (
        <p role="status">
          {created.user.name} ({created.user.id}) created. Their key, shown once:{' '}
          <code class="secret">{created.apiKey}</code>
        </p>
      ) : null}
    </section>
  );
}

function Keys() {
  const keys = useLoad(() => getAll<ApiKey>('/v1/me/keys'), []);
  const [issued, setIssued] = useState<string>();
  const create = useAction(async () => {
    setIssued((await call<{ apiKey: string }>('POST', '/v1/me/keys')).apiKey);
    keys.reload();
  });
  const revoke = useAction(async (keyId: string) => {
    await call('DELETE', `/v1/me/keys/${keyId}`);
    keys.reload();
  });
  return (
    <section class="card" aria-labelledby="keys-title">
      <h2 id="keys-title">Your API keys</h2>
      <Show loaded={keys} what="your keys">
        {(all) => (
          <ul class="plain">
            {all.map((k) => (
              <li key={k.keyId}>
                <code>{k.prefix}_…</code> <span class="muted">created {when(k.createdAt)}</span>{' '}
                {k.revokedAt ? (
                  <StatusBadge status="revoked" />
                ) : (
                  <button
                    type="button"
                    class="secondary"
                    disabled={revoke.busy}
                    onClick={() => revoke.run(k.keyId)}
                  >
                    Revoke
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </Show>
      <button type="button" disabled={create.busy} onClick={create.run}>
        New key
      </button>
      {issued ? (
        <p role="status">
          New key, shown once: <code class="secret">{issued}</code>
        </p>
      ) : null}
      {create.error ? <Problem error={create.error} /> : null}
      {revoke.error ? <Problem error={revoke.error} /> : null}
    </section>
  );
}

function Prices() {
  const prices = useLoad(() => getAll<ComponentPrice>('/v1/prices'), []);
  return (
    <section class="card" aria-labelledby="prices-title">
      <h2 id="prices-title">Price list</h2>
      <Show loaded={prices} what="the price list">
        {(all) => (
          <Table columns={['Component', 'Phase', 'Category', { label: 'Price', num: true }]}>
            {all.map((p) => (
              <tr key={p.component}>
                <td>{p.component}</td>
                <td>{p.phase}</td>
                <td>{p.category}</td>
                <FtnsCell value={p.price} />
              </tr>
            ))}
          </Table>
        )}
      </Show>
    </section>
  );
}
