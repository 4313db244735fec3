import { useEffect } from 'preact/hooks';
import { call, get } from '../api.js';
import { href } from '../router.js';
import type { Workflow } from '../types.js';
import { Problem, Show, useAction, useLoad } from '../ui/async.js';
import { Ftns, StatusBadge, when } from '../ui/figures.js';
import { Title } from '../ui/layout.js';

const POLL_MS = 1000;
const finished = (status: string) => status === 'completed' || status === 'failed' || status === 'cancelled';

/** A workflow's phases as a live timeline: polled every second until it is finished. */
export function WorkflowPage({ id }: { id: string }) {
  const workflow = useLoad(() => get<Workflow>(`/v1/workflows/${id}`), [id]);
  const status = workflow.data?.status;
  const { reload, loading } = workflow;
  useEffect(() => {
    if (!status || finished(status) || loading) return;
    const timer = setTimeout(reload, POLL_MS);
    return () => clearTimeout(timer);
  }, [status, loading, reload]);
  const cancel = useAction(async () => {
    await call('POST', `/v1/workflows/${id}/cancel`);
    reload();
  });
  return (
    <Show loaded={workflow} what="the workflow">
      {(w) => (
        <>
          <Title>Workflow {w.id}</Title>
          <p>
            <span data-testid="workflow-status">
              <StatusBadge status={w.status} />
            </span>{' '}
            budget <a href={href('budgets', w.budgetId)}>{w.budgetId}</a>, estimate{' '}
            <Ftns value={w.estimate} />, cost{' '}
            <span data-testid="workflow-cost">
              <Ftns value={w.totalCost} />
            </span>
          </p>
          <p class="muted">“{w.prompt}”</p>
          {!finished(w.status) ? (
            <p>
              <button
                type="button"
                class="secondary"
                disabled={cancel.busy || w.cancelRequested}
                onClick={cancel.run}
              >
                {w.cancelRequested ? 'Cancelling…' : 'Cancel'}
              </button>
            </p>
          ) : null}
          {cancel.error ? <Problem error={cancel.error} /> : null}
          {w.failure ? (
            <div class="problem" role="alert">
              Failed: {w.failure.detail ?? w.failure.reason ?? 'see the phases'}
            </div>
          ) : null}
          <section class="card" aria-labelledby="phases-title">
            <h2 id="phases-title">Phases</h2>
            <ol class="timeline" aria-live="polite">
              {w.phases.map((p) => (
                <li key={p.id} class={`phase phase-${p.status}`}>
                  <div class="phase-head">
                    <strong>
                      {p.number}. {p.name}
                    </strong>{' '}
                    <StatusBadge status={p.status} />
                  </div>
                  <div class="muted">
                    {p.startedAt ? when(p.startedAt) : 'not started'}
                    {p.durationMs !== null ? ` · ${p.durationMs} ms` : ''} · {p.category} · cost{' '}
                    <Ftns value={p.cost} /> of <Ftns value={p.estimate} />
                  </div>
                  {p.summary ? <div>{p.summary}</div> : null}
                  {p.artifact ? (
                    <a href={p.artifact.url} target="_blank" rel="noopener noreferrer">
                      Open the {p.id} artifact ({p.artifact.bytes} bytes)
                    </a>
                  ) : null}
                </li>
              ))}
            </ol>
          </section>
          {w.response ? (
            <section class="card" aria-labelledby="report-title">
              <h2 id="report-title">Report</h2>
              <pre class="report">{w.response.responseText}</pre>
            </section>
          ) : null}
        </>
      )}
    </Show>
  );
}
