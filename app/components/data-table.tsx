// The app's data tables (leads, team, health): one header look and one row rhythm, so a table
// reads the same on every screen. Rows are the caller's; a column says only its label, whether
// the label is for screen readers only (an actions column), and its padding.
import clsx from 'clsx';
import { type ReactNode, useId } from 'react';

export interface DataColumn {
  label: string;
  /** Heard, not shown: a column of buttons needs a name but no visible heading. */
  srOnly?: boolean;
  /** The column's horizontal padding, matching its cells (px-3 unless said). */
  inset?: string;
}

export function DataTable({
  caption,
  columns,
  bodyTestId,
  numeric = false,
  children,
}: {
  /** Read by screen readers, and names the box it scrolls in; the screen shows a heading of its own. */
  caption: string;
  columns: DataColumn[];
  bodyTestId?: string;
  /** Figures line up digit under digit. */
  numeric?: boolean;
  children: ReactNode;
}) {
  const captionId = useId();
  return (
    // A table wider than a phone scrolls sideways in this box, not the page. Relative, so that
    // its screen-reader-only labels (absolutely placed) are placed in it, not out past the screen.
    // A named region in the tab order, so a keyboard can reach the box and scroll it with the
    // arrow keys, also when nothing in the table takes focus.
    <section
      className="relative overflow-x-auto"
      data-scrolls-sideways
      aria-labelledby={captionId}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling box must be focusable to be scrolled by keyboard
      tabIndex={0}
    >
      <table className="w-full text-left text-sm">
        <caption id={captionId} className="sr-only">
          {caption}
        </caption>
        <thead className="border-y border-slate-100 bg-slate-50 text-xs font-medium tracking-wide text-slate-500 uppercase">
          <tr>
            {columns.map((column) => (
              <th
                key={column.label}
                scope="col"
                className={clsx('py-2.5 font-medium', column.inset ?? 'px-3')}
              >
                {column.srOnly ? <span className="sr-only">{column.label}</span> : column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody
          className={clsx('divide-y divide-slate-100', numeric && 'tabular-nums')}
          data-testid={bodyTestId}
        >
          {children}
        </tbody>
      </table>
    </section>
  );
}
