import type { Instance } from "../../api/types";
import { describeFetchError } from "../../components/fetch-error";
import { useInstanceHistory } from "../../hooks/use-instance-history";
import { formatAgo, formatTimestamp } from "../../lib/format";

/** One instance's status changes with their reasons, newest first. */
export function HistoryPanel({ instance, now }: { instance: Instance; now: number }) {
  const history = useInstanceHistory(instance.id);
  return (
    <div className="panel">
      <h2 className="panel-title">History of {instance.id}</h2>
      <p className="muted sub">
        {instance.url} · {instance.infra} · registered {formatAgo(instance.registeredAt, now)}
      </p>
      {history.error && (
        <p className="error-text" role="alert">
          History: {describeFetchError(history.error)} — retrying.
        </p>
      )}
      {history.isPending && !history.error && <p className="muted">Loading history…</p>}
      {history.data && history.data.length === 0 && <p className="muted">No recorded change yet.</p>}
      {history.data && history.data.length > 0 && (
        <table className="instances" data-testid={`history-${instance.id}`}>
          <caption className="visually-hidden">Status changes of {instance.id}</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Status</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {history.data.map((h) => (
              <tr key={`${h.at} ${h.status} ${h.reason}`}>
                <td title={formatTimestamp(h.at)}>{formatAgo(h.at, now)}</td>
                <td>
                  <span className={`status status-${h.status}`}>{h.status}</span>
                </td>
                <td className="wrap">
                  {h.reason}
                  {h.detail && Object.keys(h.detail).length > 0 && (
                    <span className="muted mono"> {JSON.stringify(h.detail)}</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
