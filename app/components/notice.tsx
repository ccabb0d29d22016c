// The Health screen's notes: a calm line when all is well, and an amber notice (a titled region
// with an optional action and a table) for what an operator or admin should act on.
import clsx from 'clsx';
import type { ReactNode } from 'react';

/** A calm line: nothing needs anyone's attention here. */
export function QuietNote({ children }: { children: ReactNode }) {
  return (
    <p
      className="mt-4 rounded-lg bg-white px-4 py-3 text-sm text-slate-500 ring-1 ring-slate-200"
      role="status"
    >
      {children}
    </p>
  );
}

/** Something for an operator or admin to act on: a titled region, with an action beside the title. */
export function Notice({
  id,
  title,
  detail,
  action,
  children,
}: {
  id: string;
  title: string;
  detail: string;
  action?: ReactNode;
  children: ReactNode;
}) {
  return (
    <section
      aria-labelledby={id}
      className="mt-6 rounded-xl border border-amber-200 bg-amber-50 px-5 py-4 shadow-sm"
    >
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h2 id={id} className="text-sm font-semibold text-amber-900">
            {title}
          </h2>
          <p className="mt-0.5 text-xs text-amber-800">{detail}</p>
        </div>
        {action}
      </div>
      {children}
    </section>
  );
}

/** A notice's table: one row per item, cells styled per column. */
export function NoticeTable({
  columns,
  rows,
}: {
  columns: { label: string; cell?: string }[];
  rows: { key: string; cells: ReactNode[] }[];
}) {
  const edge = (i: number) => (i === 0 ? 'pr-3' : 'px-3');
  return (
    <table className="mt-3 w-full text-sm">
      <thead className="text-left text-xs text-amber-800">
        <tr>
          {columns.map((column, i) => (
            <th key={column.label} className={clsx('py-1 font-medium', edge(i))}>
              {column.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody className="text-amber-950">
        {rows.map((row) => (
          <tr key={row.key} className="border-t border-amber-200">
            {row.cells.map((cell, i) => (
              <td key={columns[i]?.label} className={clsx('py-1.5', edge(i), columns[i]?.cell)}>
                {cell}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
