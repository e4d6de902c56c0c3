import type { Instance } from "../../api/types";
import { InstanceBadges } from "../../components/instance-badges";
import { formatAgo, formatTimestamp } from "../../lib/format";

export function InstanceTable({
  service,
  instances,
  now,
}: {
  service: string;
  instances: Instance[];
  now: number;
}) {
  if (instances.length === 0) return <p className="muted">No instance of {service} is listed.</p>;
  return (
    <table className="instances" data-testid={`instances-${service}`}>
      <caption className="visually-hidden">Instances of {service}</caption>
      <thead>
        <tr>
          <th scope="col">Instance</th>
          <th scope="col">URL</th>
          <th scope="col">Status</th>
          <th scope="col">Version</th>
          <th scope="col">Infra</th>
          <th scope="col">Last heartbeat</th>
        </tr>
      </thead>
      <tbody>
        {instances.map((i) => (
          <tr key={i.id} data-testid={`instance-${i.id}`}>
            <td className="mono">{i.id}</td>
            <td className="mono">{i.url}</td>
            <td>
              <InstanceBadges instance={i} />
            </td>
            <td className="mono">{i.version}</td>
            <td>{i.infra}</td>
            <td title={formatTimestamp(i.lastHeartbeat)}>{formatAgo(i.lastHeartbeat, now)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
