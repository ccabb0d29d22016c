// Small SVG charts for time series: bars (stacked) and lines (with gaps where there is no data).
// No chart library: a few hundred bytes of SVG per chart, axes with readable labels, and a
// <title> on every mark so hovering shows the exact value.
import type { ReactNode } from 'react';

export interface Series {
  label: string;
  /** A Tailwind fill/stroke colour class pair, e.g. 'fill-brand-500 stroke-brand-500'. */
  color: string;
  values: (number | null)[];
}

const HEIGHT = 180;
const PAD = { top: 12, right: 8, bottom: 22, left: 48 };
const PLOT_H = HEIGHT - PAD.top - PAD.bottom;

/** Milliseconds as people read them: 850 ms, 4.8 s. */
export const formatMs = (value: number | null) =>
  value === null ? '—' : value < 1000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(1)} s`;

const formatCount = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(1));

/** A round upper bound for the y axis: 1, 2 or 5 times a power of ten. */
function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return ([1, 2, 5, 10].find((step) => step * power >= value) ?? 10) * power;
}

function Frame({
  title,
  width,
  labels,
  max,
  format,
  legend,
  children,
}: {
  title: string;
  width: number;
  labels: string[];
  max: number;
  format: (value: number) => string;
  legend: Series[];
  children: ReactNode;
}) {
  const plotWidth = width - PAD.left - PAD.right;
  const ticks = [0, max / 2, max];
  const every = Math.max(1, Math.ceil(labels.length / 6));
  return (
    <figure className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm" aria-label={title}>
      <figcaption className="flex items-center justify-between text-sm font-semibold text-slate-900">
        {title}
        <span className="flex gap-3 text-xs font-normal text-slate-500">
          {legend.map((series) => (
            <span key={series.label} className="flex items-center gap-1">
              <svg viewBox="0 0 10 10" className="h-2.5 w-2.5" aria-hidden="true">
                <rect width="10" height="10" rx="2" className={series.color} />
              </svg>
              {series.label}
            </span>
          ))}
        </span>
      </figcaption>
      <svg viewBox={`0 0 ${width} ${HEIGHT}`} className="mt-2 w-full" role="img" aria-label={title}>
        {ticks.map((tick) => {
          const y = PAD.top + PLOT_H - (tick / max) * PLOT_H;
          return (
            <g key={tick}>
              <line x1={PAD.left} x2={width - PAD.right} y1={y} y2={y} className="stroke-slate-100" />
              <text x={PAD.left - 6} y={y + 3} textAnchor="end" className="fill-slate-400 text-[10px]">
                {format(tick)}
              </text>
            </g>
          );
        })}
        {labels.map((label, i) =>
          i % every === 0 ? (
            <text
              key={label}
              x={PAD.left + ((i + 0.5) / labels.length) * plotWidth}
              y={HEIGHT - 6}
              textAnchor="middle"
              className="fill-slate-400 text-[10px]"
            >
              {label}
            </text>
          ) : null,
        )}
        {children}
      </svg>
    </figure>
  );
}

const BAR_WIDTH = 640;
const LINE_WIDTH = 360;

/** Stacked bars, one stack per label. */
export function BarChart({ title, labels, series }: { title: string; labels: string[]; series: Series[] }) {
  const totals = labels.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const max = niceMax(Math.max(0, ...totals));
  const slot = (BAR_WIDTH - PAD.left - PAD.right) / labels.length;
  return (
    <Frame title={title} width={BAR_WIDTH} labels={labels} max={max} format={formatCount} legend={series}>
      {labels.map((label, i) => {
        let base = PAD.top + PLOT_H;
        return (
          <g key={label}>
            {series.map((s) => {
              const value = s.values[i] ?? 0;
              const height = (value / max) * PLOT_H;
              base -= height;
              return value > 0 ? (
                <rect
                  key={s.label}
                  x={PAD.left + i * slot + slot * 0.15}
                  y={base}
                  width={slot * 0.7}
                  height={height}
                  rx={1.5}
                  className={s.color}
                >
                  <title>{`${label}: ${value} ${s.label.toLowerCase()}`}</title>
                </rect>
              ) : null;
            })}
          </g>
        );
      })}
    </Frame>
  );
}

/** Durations in milliseconds as lines; a bucket without a value breaks the line. */
export function LineChart({ title, labels, series }: { title: string; labels: string[]; series: Series[] }) {
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values.map((v) => v ?? 0))));
  const x = (i: number) => PAD.left + ((i + 0.5) / labels.length) * (LINE_WIDTH - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + PLOT_H - (v / max) * PLOT_H;
  return (
    <Frame title={title} width={LINE_WIDTH} labels={labels} max={max} format={formatMs} legend={series}>
      {series.map((s) => {
        const path = s.values
          .map((v, i) =>
            v === null ? null : `${i === 0 || s.values[i - 1] === null ? 'M' : 'L'}${x(i)},${y(v)}`,
          )
          .filter(Boolean)
          .join(' ');
        return (
          <g key={s.label}>
            <path d={path} fill="none" strokeWidth={1.8} className={s.color.replace(/fill-\S+/, '')} />
            {s.values.map((v, i) =>
              v === null ? null : (
                // biome-ignore lint/suspicious/noArrayIndexKey: one point per bucket
                <circle key={i} cx={x(i)} cy={y(v)} r={2.2} className={s.color}>
                  <title>{`${labels[i]}: ${s.label} ${formatMs(v)}`}</title>
                </circle>
              ),
            )}
          </g>
        );
      })}
    </Frame>
  );
}
