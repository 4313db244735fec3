import type { ComponentChildren } from 'preact';
import { Ftns } from './figures.js';
import { ScrollRegion } from './layout.js';

/** A column heading: a plain label, or one over right-aligned figures. */
export type Column = string | { label: string; num: true };

/** A data table in its scrolling box, with one header row of column headings. */
export function Table({
  columns,
  testId,
  children,
}: {
  columns: Column[];
  testId?: string;
  children: ComponentChildren;
}) {
  return (
    <ScrollRegion>
      <table data-testid={testId}>
        <thead>
          <tr>
            {columns.map((column) =>
              typeof column === 'string' ? (
                <th key={column} scope="col">
                  {column}
                </th>
              ) : (
                <th key={column.label} scope="col" class="num">
                  {column.label}
                </th>
              ),
            )}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </ScrollRegion>
  );
}

/** A table cell holding an FTNS amount, right-aligned. */
export function FtnsCell({ value }: { value: string | null | undefined }) {
  return (
    <td class="num">
      <Ftns value={value} />
    </td>
  );
}
