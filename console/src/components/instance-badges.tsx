import type { Instance } from "../api/types";
import { StatusBadge } from "./status-badge";

/** Status, then drained and protected when they apply: "passing drained", "passing protected". */
export function InstanceBadges({ instance: i }: { instance: Instance }) {
  return (
    <span className="badges">
      <StatusBadge status={i.status} />
      {i.drained && <StatusBadge status="drained" title={`drained: ${i.drained.reason}`} />}
      {i.protected && (
        <StatusBadge status="protected" title="kept passing by mass-eviction protection; its TTL ran out" />
      )}
    </span>
  );
}
