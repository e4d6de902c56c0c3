/** "4 s", "12 min", "3 h 05 min", "2 d 4 h": compact durations for dense tables. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 24) return `${h} h ${String(min % 60).padStart(2, "0")} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** "2 s ago" for a past ISO time; clocks a little ahead of ours read as "0 s ago". */
export function formatAgo(iso: string, now: number): string {
  return `${formatDuration(now - Date.parse(iso))} ago`;
}

/** Local wall-clock time, for title tooltips. */
export function formatTimestamp(iso: string): string {
  return new Date(iso).toLocaleString();
}

/** "0", "0.15", "2.4", "1,250": a per-second rate, two significant decimals below 10, none above 100. */
export function formatRate(perSecond: number): string {
  if (perSecond === 0) return "0";
  const digits = perSecond < 10 ? 2 : perSecond < 100 ? 1 : 0;
  return perSecond.toLocaleString("en", { maximumFractionDigits: digits });
}
