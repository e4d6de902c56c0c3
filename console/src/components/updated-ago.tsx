import { formatAgo } from "../lib/format";

/** " · updated 3 s ago" after a page's summary: when its data was last fetched (epoch ms). */
export function UpdatedAgo({ at, now }: { at: number; now: number }) {
  return <span className="muted"> · updated {formatAgo(new Date(at).toISOString(), now)}</span>;
}
