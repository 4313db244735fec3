import { get, getAll, type Page } from '../api.js';
import { percentTenths } from '../money.js';
import { href } from '../router.js';
import type { Account, Budget, Entry, Me, WorkflowSummary } from '../types.js';
import { Show, useLoad } from '../ui/async.js';
import { Ftns, Meter, StatusBadge, when } from '../ui/figures.js';
import { Title } from '../ui/layout.js';
import { Table } from '../ui/table.js';

/** A budget is near its limit from its first alert threshold on. */
const nearLimit = (budget: Budget) =>
  budget.status !== 'active' ||
  percentTenths(budget.utilisation) >= Math.min(...budget.alertThresholds, 100) * 10;

export function OverviewPage({ me }: { me: Me }) {
  const account = useLoad(() => get<Account>('/v1/accounts/me'), []);
  const entries = useLoad(() => get<Page<Entry>>('/v1/accounts/me/transfers?limit=8'), []);
  const budgets = useLoad(() => getAll<Budget>('/v1/budgets'), []);
  const workflows = useLoad(() => get<Page<WorkflowSummary>>('/v1/workflows?limit=50'), []);
  return (
    <>
      <Title>Overview</Title>
      <p class="muted">Signed in as {me.name}.</p>
      <section aria-labelledby="balance-title" class="card">
        <h2 id="balance-title">Balance</h2>
        <Show loaded={account} what="the balance">
          {(a) => (
            <dl class="figures" data-testid="balance">
              <div>
                <dt>Balance</dt>
                <dd>
                  <Ftns value={a.balance} />
                </dd>
              </div>
              <div>
                <dt>Held</dt>
                <dd>
                  <Ftns value={a.held} />
                </dd>
              </div>
              <div>
                <dt>Available</dt>
                <dd>
                  <Ftns value={a.available} />
                </dd>
              </div>
            </dl>
          )}
        </Show>
      </section>
      <div class="columns">
        <section aria-labelledby="near-title" class="card">
          <h2 id="near-title">Budgets near their limits</h2>
          <Show loaded={budgets} what="budgets">
            {(all) => {
              const near = all.filter(nearLimit);
              if (near.length === 0)
                return <p class="muted">No budget has reached its first alert threshold.</p>;
              return (
                <ul class="plain">
                  {near.map((b) => (
                    <li key={b.id}>
                      <a href={href('budgets', b.id)}>{b.name}</a> <StatusBadge status={b.status} />
                      <Meter label={`${b.name} utilisation`} percent={b.utilisation} />
                    </li>
                  ))}
                </ul>
              );
            }}
          </Show>
        </section>
        <section aria-labelledby="running-title" class="card">
          <h2 id="running-title">Running workflows</h2>
          <Show loaded={workflows} what="workflows">
            {(page) => {
              const running = page.items.filter((w) => w.status === 'queued' || w.status === 'running');
              if (running.length === 0) return <p class="muted">No workflow is running.</p>;
              return (
                <ul class="plain">
                  {running.map((w) => (
                    <li key={w.id}>
                      <a href={href('workflows', w.id)}>{w.id}</a> <StatusBadge status={w.status} />{' '}
                      {w.currentPhase ?? ''}
                    </li>
                  ))}
                </ul>
              );
            }}
          </Show>
        </section>
      </div>
      <section aria-labelledby="entries-title" class="card">
        <h2 id="entries-title">Latest ledger entries</h2>
        <Show loaded={entries} what="ledger entries">
          {(page) =>
            page.items.length === 0 ? (
              <p class="muted">No entries yet.</p>
            ) : (
              <Table columns={['When', 'Reason', 'From → to', { label: 'Amount', num: true }]}>
                {page.items.map((e) => (
                  <tr key={`${e.id}-${e.side}`}>
                    <td>{when(e.createdAt)}</td>
                    <td>{e.reason.replace(/_/g, ' ')}</td>
                    <td>
                      {e.from} → {e.to}
                    </td>
                    <td class={`num ${e.side}`}>
                      {e.side === 'debit' ? '−' : '+'}
                      <Ftns value={e.amount} />
                    </td>
                  </tr>
                ))}
              </Table>
            )
          }
        </Show>
      </section>
    </>
  );
}
