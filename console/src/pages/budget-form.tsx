import { useState } from 'preact/hooks';
import { call, get, newIdempotencyKey } from '../api.js';
import { isAmount } from '../money.js';
import { href, navigate } from '../router.js';
import type { Budget } from '../types.js';
import { Problem, Show, useAction, useLoad } from '../ui/async.js';
import { Title } from '../ui/layout.js';

/** Create a budget, or edit one the caller owns: name, total, thresholds and category allocations. */
export function BudgetForm({ budgetId }: { budgetId?: string }) {
  const existing = useLoad(
    () => (budgetId ? get<Budget>(`/v1/budgets/${budgetId}`) : Promise.resolve(null)),
    [budgetId],
  );
  return (
    <>
      <Title>{budgetId ? 'Edit budget' : 'New budget'}</Title>
      <Show loaded={existing} what="the budget">
        {(budget) => <Fields budget={budget} />}
      </Show>
    </>
  );
}

const categoriesText = (budget: Budget | null) =>
  budget
    ? Object.entries(budget.categories)
        .filter(([, c]) => c.allocation !== null)
        .map(([slug, c]) => `${slug} ${c.allocation}${c.enforcement === 'hard' ? ' hard' : ''}`)
        .join('\n')
    : '';

/** "model_inference 100 hard" per line -> the API's categories. */
function parseCategories(text: string) {
  const categories: Record<string, { allocation: string; enforcement: 'soft' | 'hard' }> = {};
  for (const line of text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)) {
    const [slug, allocation, enforcement] = line.split(/\s+/);
    if (!slug || !allocation || !isAmount(allocation))
      throw new Error(`“${line}”: write a category as “slug allocation [hard]”`);
    categories[slug] = { allocation, enforcement: enforcement === 'hard' ? 'hard' : 'soft' };
  }
  return categories;
}

function Fields({ budget }: { budget: Budget | null }) {
  const [name, setName] = useState(budget?.name ?? '');
  const [total, setTotal] = useState(budget?.total ?? '');
  const [thresholds, setThresholds] = useState((budget?.alertThresholds ?? [50, 75, 90]).join(', '));
  const [categories, setCategories] = useState(categoriesText(budget));
  const save = useAction(async () => {
    const body = {
      name: name.trim(),
      total: total.trim(),
      alertThresholds: thresholds
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean)
        .map(Number),
      categories: parseCategories(categories),
    };
    const saved = budget
      ? await call<Budget>('PATCH', `/v1/budgets/${budget.id}`, { body })
      : await call<Budget>('POST', '/v1/budgets', { body, idempotencyKey: newIdempotencyKey() });
    navigate(href('budgets', saved.id));
  });
  return (
    <form
      class="stack card"
      onSubmit={(event) => {
        event.preventDefault();
        void save.run();
      }}
    >
      <label>
        Name
        <input required maxLength={100} value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <label>
        Total (FTNS)
        <input inputMode="decimal" required value={total} onInput={(e) => setTotal(e.currentTarget.value)} />
      </label>
      <label>
        Alert thresholds (percent, comma separated)
        <input value={thresholds} onInput={(e) => setThresholds(e.currentTarget.value)} />
      </label>
      <label>
        Category allocations, one per line: <code>slug allocation [hard]</code>
        <textarea rows={4} value={categories} onInput={(e) => setCategories(e.currentTarget.value)} />
      </label>
      <div class="actions">
        <button type="submit" disabled={save.busy || !name.trim() || !isAmount(total)}>
          {budget ? 'Save' : 'Create budget'}
        </button>
        <a class="button secondary" href={budget ? href('budgets', budget.id) : '#/budgets'}>
          Cancel
        </a>
      </div>
      {save.error ? <Problem error={save.error} /> : null}
    </form>
  );
}
