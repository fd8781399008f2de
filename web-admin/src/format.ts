/** Dates and times in the viewer's locale and time zone. Pure apart from the locale. */

export type TimeStyle = 'exact' | 'short' | 'time' | 'date';

const OPTIONS: Record<TimeStyle, Intl.DateTimeFormatOptions> = {
  // Seconds: alerts of one burst arrive within the same minute and must stay distinguishable.
  exact: { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' },
  short: { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' },
  time: { hour: '2-digit', minute: '2-digit', second: '2-digit' },
  date: { year: 'numeric', month: 'short', day: 'numeric' },
};

export function formatTime(iso: string | undefined, style: TimeStyle = 'short'): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, OPTIONS[style]);
}

/** "in 4 min", "2 h ago": for next-retry times, where the distance matters more than the clock. */
export function relativeTime(iso: string, now: number = Date.now()): string {
  const ms = Date.parse(iso) - now;
  if (Number.isNaN(ms)) return '';
  const minutes = Math.round(Math.abs(ms) / 60_000);
  const amount = minutes < 1 ? 'less than a minute' : minutes < 90 ? `${minutes} min` : `${Math.round(minutes / 60)} h`;
  return ms >= 0 ? `in ${amount}` : `${amount} ago`;
}
