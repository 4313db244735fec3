import { useState } from 'preact/hooks';
import { call, get, getAll, newIdempotencyKey, type Page } from '../api.js';
import { href, navigate } from '../router.js';
import type { Budget, Estimate, WorkflowSummary } from '../types.js';
import { Problem, Show, useAction, useLoad } from '../ui/async.js';
import { BudgetSelect } from '../ui/budget-select.js';
import { Ftns, StatusBadge, when } from '../ui/figures.js';
import { Title } from '../ui/layout.js';
import { FtnsCell, Table } from '../ui/table.js';

export function WorkflowsPage() {
  const workflows = useLoad(() => get<Page<WorkflowSummary>>('/v1/workflows?limit=25'), []);
  return (
    <>
      <Title>Workflows</Title>
      <Submit />
      <section class="card" aria-labelledby="list-title">
        <h2 id="list-title">Your workflows</h2>
        <Show loaded={workflows} what="workflows">
          {(page) =>
            page.items.length === 0 ? (
              <p class="muted">No workflow yet.</p>
            ) : (
              <Table
                columns={[
                  'Workflow',
                  'Submitted',
                  'Status',
                  { label: 'Estimate', num: true },
                  { label: 'Cost', num: true },
                ]}
              >
                {page.items.map((w) => (
                  <tr key={w.id}>
                    <td>
                      <a href={href('workflows', w.id)}>{w.id}</a>
                    </td>
                    <td>{when(w.createdAt)}</td>
                    <td>
                      <StatusBadge status={w.status} />
                    </td>
                    <FtnsCell value={w.estimate} />
                    <FtnsCell value={w.totalCost} />
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

/** Submit: the estimate first (POST /v1/estimates), then the workflow itself. */
function Submit() {
  const budgets = useLoad(() => getAll<Budget>('/v1/budgets'), []);
  const [prompt, setPrompt] = useState('Analyze photonic crystals');
  const [budgetId, setBudgetId] = useState('');
  const [estimate, setEstimate] = useState<Estimate>();
  const [idempotencyKey] = useState(newIdempotencyKey);
  const chosen = budgetId || budgets.data?.[0]?.id || '';
  const review = useAction(async () => {
    setEstimate(
      await call<Estimate>('POST', '/v1/estimates', { body: { budgetId: chosen, workflow: true } }),
    );
  });
  const submit = useAction(async () => {
    const submitted = await call<{ id: string }>('POST', '/v1/workflows', {
      body: { prompt: prompt.trim(), budgetId: chosen },
      idempotencyKey,
    });
    navigate(href('workflows', submitted.id));
  });
  return (
    <section class="card" aria-labelledby="submit-title">
      <h2 id="submit-title">New research workflow</h2>
      <Show loaded={budgets} what="your budgets">
        {(all) => (
          <form
            class="stack"
            onSubmit={(event) => {
              event.preventDefault();
              void (estimate ? submit.run() : review.run());
            }}
          >
            <label>
              Research question
              <textarea
                rows={3}
                required
                maxLength={2000}
                value={prompt}
                onInput={(e) => {
                  setPrompt(e.currentTarget.value);
                }}
              />
            </label>
            <BudgetSelect
              budgets={all}
              value={chosen}
              onChange={(budgetId) => {
                setBudgetId(budgetId);
                setEstimate(undefined);
              }}
            />
            {estimate ? (
              <div class="quote" data-testid="workflow-estimate">
                <p>
                  Estimated cost <Ftns value={estimate.total} />
                  {estimate.covered.all ? ', covered by the budget and your balance.' : ', NOT covered.'}
                </p>
                <ul class="plain compact">
                  {Object.entries(estimate.categories).map(([slug, c]) => (
                    <li key={slug}>
                      {slug}: <Ftns value={c.estimate} />
                    </li>
                  ))}
                </ul>
              </div>
            ) : null}
            <div class="actions">
              <button type="submit" disabled={!chosen || !prompt.trim() || review.busy || submit.busy}>
                {estimate ? 'Submit workflow' : 'Estimate the cost'}
              </button>
            </div>
            {review.error ? <Problem error={review.error} /> : null}
            {submit.error ? <Problem error={submit.error} /> : null}
          </form>
        )}
      </Show>
    </section>
  );
}
