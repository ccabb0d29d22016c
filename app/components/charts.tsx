// Small SVG charts for time series: bars (stacked) and lines (with gaps where there is no data).
// No chart library: a few hundred bytes of SVG per chart, axes with readable labels at round
// times, and a <title> on every mark and on every bucket's column, so hovering shows exact values.
// Rendered in the browser only (the data comes from a client query), so local times are safe.
import type { ReactNode } from 'react';

interface Series {
  label: string;
  /** A Tailwind fill/stroke colour class pair, e.g. 'fill-brand-500 stroke-brand-500'. */
  color: string;
  values: (number | null)[];
}

interface TimeSeriesChartProps {
  title: string;
  /** What one bucket is, e.g. "per minute". */
  subtitle?: string;
  /** Each bucket's start (ISO), oldest first. */
  buckets: string[];
  bucketSeconds: number;
  series: Series[];
}

const HEIGHT = 180;
const PAD = { top: 12, right: 8, bottom: 22, left: 48 };
const PLOT_H = HEIGHT - PAD.top - PAD.bottom;
/** Room one time label needs on the x axis, in SVG units. */
const LABEL_ROOM = 72;
/** Label spacings to choose from (seconds): the first that fits wins, so labels sit on round times. */
const LABEL_STEPS = [60, 300, 600, 900, 1800, 3600, 7200, 10_800, 14_400, 21_600, 43_200, 86_400];

const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/** Milliseconds as people read them: 850 ms, 4.8 s. */
export const formatMs = (value: number | null) =>
  value === null ? '—' : value < 1000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(1)} s`;

const formatCount = (value: number) => String(Math.round(value));

/** A round upper bound for the y axis: 1, 2 or 5 times a power of ten. */
function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return ([1, 2, 5, 10].find((step) => step * power >= value) ?? 10) * power;
}

/** Gridlines at 0, half and the top; counts get no half-way line where it would be a fraction. */
function gridlines(max: number, whole: boolean): number[] {
  return whole && !Number.isInteger(max / 2) ? [0, max] : [0, max / 2, max];
}

/** The buckets to label: those starting on a round local time, as many as fit. */
function labelledBuckets(starts: Date[], bucketSeconds: number, room: number): number[] {
  const fits = Math.max(2, Math.floor(room / LABEL_ROOM));
  const secondOfDay = (t: Date) => t.getHours() * 3600 + t.getMinutes() * 60 + t.getSeconds();
  for (const step of LABEL_STEPS.filter((s) => s >= bucketSeconds)) {
    const picked = starts.flatMap((t, i) => (secondOfDay(t) % step === 0 ? [i] : []));
    if (picked.length <= fits) return picked;
  }
  return [0];
}

/** "10:05–10:06": the span a bucket covers, for tooltips. */
function span(start: Date, bucketSeconds: number): string {
  return `${clock.format(start)}–${clock.format(new Date(start.getTime() + bucketSeconds * 1000))}`;
}

function Frame({
  title,
  subtitle,
  width,
  starts,
  bucketSeconds,
  max,
  whole,
  format,
  legend,
  summarize,
  children,
}: {
  title: string;
  subtitle?: string;
  width: number;
  starts: Date[];
  bucketSeconds: number;
  max: number;
  /** Whole numbers on the y axis (counts). */
  whole: boolean;
  format: (value: number) => string;
  legend: Series[];
  /** Every value of bucket i, for the tooltip of its column. */
  summarize: (i: number) => string;
  children: ReactNode;
}) {
  const plotWidth = width - PAD.left - PAD.right;
  const slot = plotWidth / starts.length;
  return (
    <figure className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm" aria-label={title}>
      <figcaption className="flex items-center justify-between gap-3 text-sm font-semibold text-slate-900">
        <span>
          {title}
          {subtitle ? <span className="ml-1.5 text-xs font-normal text-slate-400">{subtitle}</span> : null}
        </span>
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
        {gridlines(max, whole).map((tick) => {
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
        {labelledBuckets(starts, bucketSeconds, plotWidth).map((i) =>
          // A label centred too near the right edge would be cut off.
          i * slot > plotWidth - LABEL_ROOM / 2 ? null : (
            <text
              key={i}
              x={PAD.left + i * slot}
              y={HEIGHT - 6}
              textAnchor="middle"
              className="fill-slate-400 text-[10px]"
            >
              {clock.format(starts[i])}
            </text>
          ),
        )}
        <line
          x1={PAD.left}
          x2={width - PAD.right}
          y1={PAD.top + PLOT_H}
          y2={PAD.top + PLOT_H}
          className="stroke-slate-300"
        />
        {/* Marks are small: each bucket's whole column answers the hover with all its values. */}
        {starts.map((start, i) => (
          <rect
            key={start.getTime()}
            x={PAD.left + i * slot}
            y={PAD.top}
            width={slot}
            height={PLOT_H}
            className="fill-transparent hover:fill-slate-100/60"
          >
            <title>{`${span(start, bucketSeconds)}: ${summarize(i)}`}</title>
          </rect>
        ))}
        {children}
      </svg>
    </figure>
  );
}

const BAR_WIDTH = 640;
const LINE_WIDTH = 360;

/** Stacked bars, one stack per bucket. */
export function BarChart({ title, subtitle, buckets, bucketSeconds, series }: TimeSeriesChartProps) {
  const starts = buckets.map((at) => new Date(at));
  const totals = starts.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const max = niceMax(Math.max(0, ...totals));
  const slot = (BAR_WIDTH - PAD.left - PAD.right) / starts.length;
  return (
    <Frame
      title={title}
      subtitle={subtitle}
      width={BAR_WIDTH}
      starts={starts}
      bucketSeconds={bucketSeconds}
      max={max}
      whole
      format={formatCount}
      legend={series}
      summarize={(i) => series.map((s) => `${s.values[i] ?? 0} ${s.label.toLowerCase()}`).join(', ')}
    >
      {starts.map((start, i) => {
        let base = PAD.top + PLOT_H;
        return (
          <g key={start.getTime()} className="pointer-events-none">
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
                  <title>{`${span(start, bucketSeconds)}: ${value} ${s.label.toLowerCase()}`}</title>
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
export function LineChart({ title, subtitle, buckets, bucketSeconds, series }: TimeSeriesChartProps) {
  const starts = buckets.map((at) => new Date(at));
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values.map((v) => v ?? 0))));
  const x = (i: number) => PAD.left + ((i + 0.5) / starts.length) * (LINE_WIDTH - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + PLOT_H - (v / max) * PLOT_H;
  return (
    <Frame
      title={title}
      subtitle={subtitle}
      width={LINE_WIDTH}
      starts={starts}
      bucketSeconds={bucketSeconds}
      max={max}
      whole={false}
      format={formatMs}
      legend={series}
      summarize={(i) => series.map((s) => `${s.label} ${formatMs(s.values[i] ?? null)}`).join(', ')}
    >
      {series.map((s) => {
        const path = s.values
          .map((v, i) =>
            v === null ? null : `${i === 0 || s.values[i - 1] === null ? 'M' : 'L'}${x(i)},${y(v)}`,
          )
          .filter(Boolean)
          .join(' ');
        return (
          <g key={s.label} className="pointer-events-none">
            <path d={path} fill="none" strokeWidth={1.8} className={s.color.replace(/fill-\S+/, '')} />
            {s.values.map((v, i) =>
              v === null ? null : (
                // biome-ignore lint/suspicious/noArrayIndexKey: one point per bucket
                <circle key={i} cx={x(i)} cy={y(v)} r={2.2} className={s.color}>
                  <title>{`${span(starts[i] as Date, bucketSeconds)}: ${s.label} ${formatMs(v)}`}</title>
                </circle>
              ),
            )}
          </g>
        );
      })}
    </Frame>
  );
}
