import type { NamespaceInstances } from "../../api/types";
import { formatAgo, formatTimestamp } from "../../lib/format";

/** Which instance runs which version of the namespace, and which lag behind the current release. */
export function InstancesTable({ view, now }: { view: NamespaceInstances; now: number }) {
  if (view.instances.length === 0)
    return <p className="muted">No instance has reported this namespace yet.</p>;
  const lagging = view.instances.filter((i) => i.lagging).length;
  return (
    <>
      <p className="summary">
        {view.instances.length} instances · current v{view.current ?? "–"}
        {lagging > 0 ? <span className="summary-bad"> · {lagging} lagging</span> : " · none lagging"}
      </p>
      <table className="services">
        <caption className="visually-hidden">Instances of {view.namespace}</caption>
        <thead>
          <tr>
            <th scope="col">Instance</th>
            <th scope="col">Runs</th>
            <th scope="col">Last report</th>
            <th scope="col">State</th>
            <th scope="col">Reported</th>
          </tr>
        </thead>
        <tbody>
          {view.instances.map((i) => (
            <tr
              key={i.instanceId}
              data-testid={`config-instance-${i.instanceId}`}
              className={i.lagging || i.status === "rejected" ? "row-unhealthy" : undefined}
            >
              <th scope="row" className="mono">
                {i.instanceId}
              </th>
              <td data-testid="running-version">
                {i.runningVersion === null ? "–" : `v${i.runningVersion}`}
              </td>
              <td className="wrap">
                v{i.version} {i.status}
                {i.reason && <span className="error-text"> · {i.reason}</span>}
              </td>
              <td data-testid="lag-state">
                <span className={`status ${i.lagging ? "status-critical" : "status-passing"}`}>
                  {i.lagging ? "lagging" : "up to date"}
                </span>
              </td>
              <td title={formatTimestamp(i.at)}>{formatAgo(i.at, now)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
