import type { Instance, ServiceSummary } from "../../api/types";
import { describeFetchError } from "../../components/fetch-error";
import { StatusBadge } from "../../components/status-badge";
import { formatAgo, formatDuration, formatTimestamp } from "../../lib/format";
import { InstanceTable } from "./instance-table";

const COLUMNS = 7;

interface Props {
  service: ServiceSummary;
  now: number;
  open: boolean;
  onToggle: () => void;
  /** This service's instances; undefined while they load or when they failed to load. */
  instances: Instance[] | undefined;
  instancesError: Error | null;
}

export function ServiceRow({ service: s, now, open, onToggle, instances, instancesError }: Props) {
  const detailId = `instances-of-${s.name}`;
  return (
    <>
      <tr
        data-testid={`service-${s.name}`}
        className={s.status === "unhealthy" ? "row-unhealthy" : undefined}
      >
        <th scope="row">
          <button
            type="button"
            className="disclosure"
            aria-expanded={open}
            aria-controls={open ? detailId : undefined}
            onClick={onToggle}
          >
            <span aria-hidden="true" className="chevron" />
            {s.name}
          </button>
        </th>
        <td data-testid={`status-${s.name}`}>
          <StatusBadge status={s.status} />
        </td>
        <td className="num" title={`${s.passing} passing`}>
          {s.routable} / {s.instances}
        </td>
        <td className="num" data-testid={`drained-${s.name}`}>
          {s.drained > 0 ? <span className="status status-drained">{s.drained} drained</span> : "—"}
        </td>
        <td className="mono">{s.versions.join(", ") || "—"}</td>
        <td title={s.upSince ? `since ${formatTimestamp(s.upSince)}` : "no passing instance"}>
          {s.upSince ? formatDuration(now - Date.parse(s.upSince)) : "—"}
        </td>
        <td title={s.lastHeartbeat ? formatTimestamp(s.lastHeartbeat) : undefined}>
          {s.lastHeartbeat ? formatAgo(s.lastHeartbeat, now) : "never"}
        </td>
      </tr>
      {open && (
        <tr id={detailId} className="detail">
          <td colSpan={COLUMNS}>
            {instancesError && (
              <p className="error-text" role="alert">
                Instances: {describeFetchError(instancesError)} — retrying.
              </p>
            )}
            {instances ? (
              <InstanceTable service={s.name} instances={instances} now={now} />
            ) : (
              !instancesError && <p className="muted">Loading instances…</p>
            )}
          </td>
        </tr>
      )}
    </>
  );
}
