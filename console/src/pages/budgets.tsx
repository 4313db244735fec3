import { getAll } from '../api.js';
import { href } from '../router.js';
import type { Budget } from '../types.js';
import { Show, useLoad } from '../ui/async.js';
import { Ftns, Meter, StatusBadge } from '../ui/figures.js';
import { Title } from '../ui/layout.js';

export function BudgetsPage() {
  const budgets = useLoad(() => getAll<Budget>('/v1/budgets'), []);
  return (
    <>
      <Title>Budgets</Title>
      <p>
        <a class="button" href="#/budgets/new">
          New budget
        </a>
      </p>
      <Show loaded={budgets} what="budgets">
        {(all) =>
          all.length === 0 ? (
            <p class="muted">You own or belong to no budget yet.</p>
          ) : (
            <ul class="cards">
              {all.map((b) => (
                <li key={b.id} class="card">
                  <h2>
                    <a href={href('budgets', b.id)}>{b.name}</a> <StatusBadge status={b.status} />
                  </h2>
                  <p>
                    <Ftns value={b.spent} /> spent of <Ftns value={b.limit} />, <Ftns value={b.remaining} />{' '}
                    remaining
                  </p>
                  <Meter
                    label={`${b.name} utilisation`}
                    percent={b.utilisation}
                    marks={b.alertThresholds.map((t) => ({ at: t, label: `alert at ${t}%` }))}
                  />
                </li>
              ))}
            </ul>
          )
        }
      </Show>
    </>
  );
}
