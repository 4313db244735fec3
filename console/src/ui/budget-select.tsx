import { formatFtns } from '../money.js';
import type { Budget } from '../types.js';

/** The budget to pay from, each shown with what it has left. */
export function BudgetSelect({
  budgets,
  value,
  onChange,
}: {
  budgets: Budget[];
  value: string;
  onChange(budgetId: string): void;
}) {
  return (
    <label>
      Budget
      <select
        value={value}
        onChange={(e) => {
          onChange(e.currentTarget.value);
        }}
      >
        {budgets.map((b) => (
          <option key={b.id} value={b.id}>
            {b.name} ({formatFtns(b.remaining)} FTNS remaining)
          </option>
        ))}
      </select>
    </label>
  );
}
