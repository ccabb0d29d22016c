// Shared look of the team page's cards, tables and controls.
export const CARD = 'rounded-2xl border border-slate-200 bg-white shadow-sm';
export const SELECT =
  'rounded-lg border border-slate-300 bg-white px-2.5 py-1.5 text-sm text-slate-800 shadow-sm outline-none focus:border-brand-500 focus:ring-4 focus:ring-brand-100 disabled:opacity-60';
export const QUIET_BUTTON =
  'rounded-lg border border-slate-200 px-2.5 py-1 text-xs font-medium text-slate-600 transition hover:bg-slate-50 disabled:opacity-60';
export const DANGER_BUTTON =
  'rounded-lg bg-red-600 px-2.5 py-1 text-xs font-semibold text-white shadow-sm transition hover:bg-red-700 disabled:opacity-60';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
export const formatDate = (iso: string) => dateFormat.format(new Date(iso));
