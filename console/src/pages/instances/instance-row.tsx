import type { Instance } from "../../api/types";
import { describeFetchError } from "../../components/fetch-error";
import { InstanceBadges } from "../../components/instance-badges";
import { useEnableInstance } from "../../hooks/use-enable-instance";
import { useCanOperate } from "../../hooks/use-session";
import { formatAgo, formatTimestamp } from "../../lib/format";
import { HistoryPanel } from "./history-panel";

export const INSTANCE_COLUMNS = 7;

interface Props {
  instance: Instance;
  now: number;
  open: boolean;
  onToggle: () => void;
  onDrain: () => void;
}

export function InstanceRow({ instance: i, now, open, onToggle, onDrain }: Props) {
  const enable = useEnableInstance();
  const canOperate = useCanOperate();
  const detailId = `history-of-${i.id}`;
  const rowClass =
    i.status === "critical" ? "row-unhealthy" : i.drained && i.status !== "left" ? "row-drained" : undefined;
  return (
    <>
      <tr data-testid={`instance-${i.id}`} className={rowClass}>
        <th scope="row">
          <button
            type="button"
            className="disclosure mono"
            aria-expanded={open}
            aria-controls={open ? detailId : undefined}
            aria-label={`${i.id} history`}
            onClick={onToggle}
          >
            <span aria-hidden="true" className="chevron" />
            {i.id}
          </button>
        </th>
        <td>{i.service}</td>
        <td data-testid={`instance-status-${i.id}`}>
          <InstanceBadges instance={i} />
          {i.drained && i.status !== "left" && (
            <div className="sub" title={formatTimestamp(i.drained.at)}>
              {formatAgo(i.drained.at, now)}: {i.drained.reason}
            </div>
          )}
        </td>
        <td className="wrap" data-testid={`instance-check-${i.id}`}>
          <CheckCell instance={i} now={now} />
        </td>
        <td className="mono">{i.version}</td>
        <td title={formatTimestamp(i.lastHeartbeat)}>{formatAgo(i.lastHeartbeat, now)}</td>
        <td className="actions">
          {canOperate &&
            i.status !== "left" &&
            (i.drained ? (
              <button
                type="button"
                className="btn"
                disabled={enable.isPending}
                onClick={() => enable.mutate(i.id)}
              >
                {enable.isPending ? "Enabling…" : "Enable"}
              </button>
            ) : (
              <button type="button" className="btn" onClick={onDrain}>
                Drain…
              </button>
            ))}
          {enable.error && (
            <div className="error-text" role="alert">
              Enable failed: {describeFetchError(enable.error)}
            </div>
          )}
        </td>
      </tr>
      {open && (
        <tr id={detailId} className="detail">
          <td colSpan={INSTANCE_COLUMNS}>
            <HistoryPanel instance={i} now={now} />
          </td>
        </tr>
      )}
    </>
  );
}

/** The last check: "ready · 2 s ago", or on a critical instance why it is critical. */
function CheckCell({ instance: i, now }: { instance: Instance; now: number }) {
  const { check } = i;
  if (i.status === "critical") {
    const why = check?.cause ?? (check?.status === "critical" ? check.detail : "heartbeats stopped arriving");
    return (
      <span className="error-text" title={check ? formatTimestamp(check.at) : undefined}>
        {why}
        {check && ` · ${formatAgo(check.at, now)}`}
      </span>
    );
  }
  if (i.status === "left") return <span className="muted">—</span>;
  if (!check) return <span className="muted">not checked yet</span>;
  return (
    <span className="muted" title={formatTimestamp(check.at)}>
      {check.status === "critical" ? check.detail : "ready"} · {formatAgo(check.at, now)}
    </span>
  );
}
