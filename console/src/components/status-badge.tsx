import type { BreakerMode, BreakerState, InstanceStatus } from "../api/types";

export type Status =
  | "healthy"
  | "unhealthy"
  | InstanceStatus
  | "drained"
  | "protected"
  | BreakerState
  | Exclude<BreakerMode, "normal">;

/** A status as a word with a coloured mark; the word carries the meaning, the colour only helps. */
export function StatusBadge({ status, title }: { status: Status; title?: string }) {
  return (
    <span className={`status status-${status}`} title={title}>
      {status}
    </span>
  );
}
