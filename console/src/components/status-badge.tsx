export type Status = "healthy" | "unhealthy" | "passing" | "critical" | "left";

/** A status as a word with a coloured mark; the word carries the meaning, the colour only helps. */
export function StatusBadge({ status }: { status: Status }) {
  return <span className={`status status-${status}`}>{status}</span>;
}
