import { useMemo, useState } from 'preact/hooks';
import { call, get, getAll, newIdempotencyKey } from '../api.js';
import { formatFtns, isAmount, plotY, toMicro } from '../money.js';
import { href } from '../router.js';
import type { Budget, BudgetAlert, Expansion, Me, SpendBucket } from '../types.js';
import { Problem, Show, useAction, useLoad } from '../ui/async.js';
import { TimeChart } from '../ui/chart.js';
import { Ftns, Meter, StatusBadge, when } from '../ui/figures.js';
import { ScrollRegion, Title } from '../ui/layout.js';

export function BudgetPage({ id, me }: { id: string; me: Me }) {
  const budget = useLoad(() => get<Budget>(`/v1/budgets/${id}`), [id]);
  return (
    <Show loaded={budget} what="the budget">
      {(b) => <BudgetView budget={b} me={me} reload={budget.reload} />}
    </Show>
  );
}

function BudgetView({ budget: b, me, reload }: { budget: Budget; me: Me; reload(): void }) {
  const owner = b.ownerId === me.id;
  const marks = b.alertThresholds.map((t) => ({ at: t, label: `alert at ${t}%` }));
  if (b.suspendAtPercent !== null)
    marks.push({ at: b.suspendAtPercent, label: `suspends at ${b.suspendAtPercent}%` });
  return (
    <>
      <Title>{b.name}</Title>
      <p>
        <StatusBadge status={b.status} /> <span class="muted">{b.id}</span>
        {owner ? (
          <>
            {' '}
            <a class="button secondary" href={href('budgets', b.id, 'edit')}>
              Edit
            </a>
          </>
        ) : null}
      </p>
      <section class="card" aria-labelledby="figures-title">
        <h2 id="figures-title">Limit and spend</h2>
        <dl class="figures" data-testid="budget-figures">
          <div>
            <dt>Limit</dt>
            <dd>
              <Ftns value={b.limit} />
            </dd>
          </div>
          <div>
            <dt>Spent</dt>
            <dd data-testid="budget-spent">
              <Ftns value={b.spent} />
            </dd>
          </div>
          <div>
            <dt>Reserved</dt>
            <dd>
              <Ftns value={b.reserved} />
            </dd>
          </div>
          <div>
            <dt>Remaining</dt>
            <dd>
              <Ftns value={b.remaining} />
            </dd>
          </div>
        </dl>
        <Meter label="Budget utilisation" percent={b.utilisation} marks={marks} />
        <p class="muted">
          Alert thresholds: {b.alertThresholds.map((t) => `${t}%`).join(', ') || 'none'}
          {b.suspendAtPercent !== null ? `; suspends at ${b.suspendAtPercent}%` : ''}
        </p>
      </section>
      <SpendChart budgetId={b.id} />
      <div class="columns">
        <section class="card" aria-labelledby="categories-title">
          <h2 id="categories-title">Categories</h2>
          {Object.keys(b.categories).length === 0 ? <p class="muted">No category yet.</p> : null}
          <ul class="plain">
            {Object.entries(b.categories).map(([slug, c]) => (
              <li key={slug}>
                <span class="row-label">{slug}</span> <Ftns value={c.spent} />
                {c.allocation ? (
                  <>
                    {' '}
                    of <Ftns value={c.allocation} /> <span class="muted">({c.enforcement})</span>
                  </>
                ) : (
                  <span class="muted"> (no allocation)</span>
                )}
                {c.utilisation !== null ? (
                  <Meter label={`${slug} against its allocation`} percent={c.utilisation} />
                ) : null}
              </li>
            ))}
          </ul>
        </section>
        <section class="card" aria-labelledby="members-title">
          <h2 id="members-title">Members</h2>
          <ul class="plain">
            {b.members.map((m) => (
              <li key={m.userId}>
                <span class="row-label">{m.userId}</span> <Ftns value={m.spent} />
                {m.cap ? (
                  <>
                    {' '}
                    of cap <Ftns value={m.cap} />
                  </>
                ) : (
                  <span class="muted"> (no cap)</span>
                )}
                {m.utilisation !== null ? (
                  <Meter label={`${m.userId} against their cap`} percent={m.utilisation} />
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      </div>
      <Alerts budgetId={b.id} />
      <Expansions budget={b} canDecide={owner || me.role === 'admin'} onDecided={reload} />
    </>
  );
}

function SpendChart({ budgetId }: { budgetId: string }) {
  const [per, setPer] = useState<'day' | 'hour'>('day');
  const spend = useLoad(
    () => getAll<SpendBucket>(`/v1/budgets/${budgetId}/spend?interval=${per}`),
    [budgetId, per],
  );
  return (
    <section class="card" aria-labelledby="spend-title">
      <h2 id="spend-title">Spend over time</h2>
      <fieldset class="inline">
        <legend>Per</legend>
        {(['day', 'hour'] as const).map((choice) => (
          <label key={choice}>
            <input
              type="radio"
              name="interval"
              value={choice}
              checked={per === choice}
              onChange={() => setPer(choice)}
            />{' '}
            {choice}
          </label>
        ))}
      </fieldset>
      <Show loaded={spend} what="the spend">
        {(buckets) => <SpendFigure buckets={buckets} interval={per} />}
      </Show>
    </section>
  );
}

function SpendFigure({ buckets, interval }: { buckets: SpendBucket[]; interval: 'day' | 'hour' }) {
  const series = useMemo(() => {
    const xs = buckets.map((b) => Date.parse(b.start) / 1000);
    const ys = buckets.map((b) => plotY(b.amount));
    // The largest bucket, compared exactly, labels the axis with its exact figure.
    const largest = buckets.reduce<SpendBucket | undefined>(
      (max, b) => (!max || toMicro(b.amount) > toMicro(max.amount) ? b : max),
      undefined,
    );
    const ticks = largest
      ? [
          { at: 0, label: '0' },
          { at: plotY(largest.amount), label: formatFtns(largest.amount) },
        ]
      : [];
    return { xs, ys, ticks };
  }, [buckets]);
  if (buckets.length === 0) return <p class="muted">Nothing spent yet.</p>;
  return (
    <>
      <TimeChart
        label={`Spend per ${interval}`}
        xs={series.xs}
        ys={series.ys}
        bars
        yTicks={series.ticks}
        xPadSeconds={interval === 'day' ? 43_200 : 1800}
      />
      <details>
        <summary>Figures</summary>
        <ScrollRegion>
          <table>
            <thead>
              <tr>
                <th scope="col">{interval === 'day' ? 'Day (UTC)' : 'Hour (UTC)'}</th>
                <th scope="col" class="num">
                  Charges
                </th>
                <th scope="col" class="num">
                  Spent
                </th>
              </tr>
            </thead>
            <tbody>
              {buckets.map((b) => (
                <tr key={b.start}>
                  <td>{interval === 'day' ? b.start.slice(0, 10) : when(b.start).slice(0, 16)}</td>
                  <td class="num">{b.charges}</td>
                  <td class="num">
                    <Ftns value={b.amount} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      </details>
    </>
  );
}

function Alerts({ budgetId }: { budgetId: string }) {
  const alerts = useLoad(() => getAll<BudgetAlert>(`/v1/budgets/${budgetId}/alerts`), [budgetId]);
  return (
    <section class="card" aria-labelledby="alerts-title">
      <h2 id="alerts-title">Alerts that fired</h2>
      <Show loaded={alerts} what="alerts">
        {(all) =>
          all.length === 0 ? (
            <p class="muted">No alert has fired.</p>
          ) : (
            <ul class="plain">
              {all.map((a) => (
                <li key={`${a.kind}-${a.threshold}-${a.createdAt}`}>
                  <StatusBadge status={a.severity ?? a.kind} /> {a.kind}
                  {a.threshold !== null ? ` at ${a.threshold}%` : ''}: <Ftns value={a.spent} /> of{' '}
                  <Ftns value={a.limit} /> ({a.utilisation}%) <span class="muted">{when(a.createdAt)}</span>
                </li>
              ))}
            </ul>
          )
        }
      </Show>
    </section>
  );
}

function Expansions({
  budget,
  canDecide,
  onDecided,
}: {
  budget: Budget;
  canDecide: boolean;
  onDecided(): void;
}) {
  const expansions = useLoad(() => getAll<Expansion>(`/v1/budgets/${budget.id}/expansions`), [budget.id]);
  const decide = useAction(async (expansionId: string, verdict: 'approve' | 'deny') => {
    await call('POST', `/v1/budgets/${budget.id}/expansions/${expansionId}/${verdict}`);
    expansions.reload();
    onDecided();
  });
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const request = useAction(async () => {
    await call('POST', `/v1/budgets/${budget.id}/expansions`, {
      body: { amount: amount.trim(), reason: reason.trim() },
      idempotencyKey: newIdempotencyKey(),
    });
    setAmount('');
    setReason('');
    expansions.reload();
  });
  return (
    <section class="card" aria-labelledby="expansions-title">
      <h2 id="expansions-title">Expansion requests</h2>
      <Show loaded={expansions} what="expansion requests">
        {(all) =>
          all.length === 0 ? (
            <p class="muted">No request.</p>
          ) : (
            <ul class="plain">
              {all.map((x) => (
                <li key={x.id}>
                  <StatusBadge status={x.status} /> <Ftns value={x.amount} /> by {x.requestedBy}: “{x.reason}”{' '}
                  <span class="muted">{when(x.createdAt)}</span>
                  {canDecide && x.status === 'pending' ? (
                    <span class="actions">
                      <button
                        type="button"
                        disabled={decide.busy}
                        onClick={() => decide.run(x.id, 'approve')}
                      >
                        Approve
                      </button>
                      <button
                        type="button"
                        class="secondary"
                        disabled={decide.busy}
                        onClick={() => decide.run(x.id, 'deny')}
                      >
                        Deny
                      </button>
                    </span>
                  ) : null}
                </li>
              ))}
            </ul>
          )
        }
      </Show>
      {decide.error ? <Problem error={decide.error} /> : null}
      <form
        class="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          void request.run();
        }}
      >
        <label>
          Amount (FTNS)
          <input
            inputMode="decimal"
            required
            value={amount}
            onInput={(e) => setAmount(e.currentTarget.value)}
          />
        </label>
        <label>
          Reason
          <input required value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
        </label>
        <button type="submit" disabled={request.busy || !isAmount(amount) || !reason.trim()}>
          Ask for more
        </button>
      </form>
      {request.error ? <Problem error={request.error} /> : null}
    </section>
  );
}
