import { useState } from "react";
import { describeFetchError } from "../../components/fetch-error";
import { useConfigInstances } from "../../hooks/use-config-instances";
import { useReleases } from "../../hooks/use-releases";
import { useCanOperate } from "../../hooks/use-session";
import { formatAgo, formatTimestamp } from "../../lib/format";
import { DiffView } from "./diff-view";
import { InstancesTable } from "./instances-table";
import { PublishForm } from "./publish-form";
import { RollbackDialog } from "./rollback-dialog";

/** One namespace: its current release, who runs what, history with rollback, diff and publish. */
export function NamespacePanel({ namespace, now }: { namespace: string; now: number }) {
  const releases = useReleases(namespace);
  const instances = useConfigInstances(namespace);
  const canOperate = useCanOperate();
  const [rollbackTo, setRollbackTo] = useState<number | null>(null);
  const current = releases.data?.[0];

  return (
    <div data-testid={`namespace-panel-${namespace}`}>
      <section className="group" aria-labelledby="current-release">
        <h2 id="current-release" className="group-title">
          Current release of <span className="mono">{namespace}</span>
        </h2>
        {releases.error && (
          <p className="error-text" role="alert">
            Releases could not be read: {describeFetchError(releases.error)} — retrying every 2 s.
          </p>
        )}
        {releases.data && !current && <p className="muted">No release yet.</p>}
        {current && (
          <>
            <p data-testid="current-version">
              <strong>v{current.version}</strong> by {current.author}{" "}
              <span className="muted" title={formatTimestamp(current.createdAt)}>
                · {formatAgo(current.createdAt, now)}
              </span>{" "}
              · {current.message || <span className="muted">no message</span>}
              {current.rollbackOf !== null && (
                <span className="muted"> · rollback to v{current.rollbackOf}</span>
              )}
            </p>
            <pre className="json">{JSON.stringify(current.content, null, 2)}</pre>
          </>
        )}
      </section>

      <section className="group" aria-labelledby="config-instances">
        <h2 id="config-instances" className="group-title">
          Instances
        </h2>
        {instances.error && (
          <p className="error-text" role="alert">
            Instances could not be read: {describeFetchError(instances.error)} — retrying every 2 s.
          </p>
        )}
        {instances.data && <InstancesTable view={instances.data} now={now} />}
      </section>

      {canOperate && (
        <PublishForm namespace={namespace} current={current} loaded={releases.data !== undefined} />
      )}

      <section className="group" aria-labelledby="config-history">
        <h2 id="config-history" className="group-title">
          History
        </h2>
        {releases.data && releases.data.length > 0 && (
          <table className="services">
            <caption className="visually-hidden">Releases of {namespace}, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Author</th>
                <th scope="col">Message</th>
                <th scope="col">Published</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {releases.data.map((r) => (
                <tr key={r.version} data-testid={`release-${r.version}`}>
                  <th scope="row">
                    v{r.version}
                    {r.version === current?.version && <span className="muted"> (current)</span>}
                  </th>
                  <td>{r.author}</td>
                  <td className="wrap">
                    {r.message}
                    {r.rollbackOf !== null && <span className="muted"> · rollback to v{r.rollbackOf}</span>}
                  </td>
                  <td title={formatTimestamp(r.createdAt)}>{formatAgo(r.createdAt, now)}</td>
                  <td className="actions">
                    {canOperate && r.version !== current?.version && (
                      <button
                        type="button"
                        className="btn btn-small"
                        onClick={() => setRollbackTo(r.version)}
                      >
                        Roll back to v{r.version}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {releases.data && releases.data.length > 1 && (
          <DiffView namespace={namespace} releases={releases.data} />
        )}
      </section>
      {rollbackTo !== null && (
        <RollbackDialog namespace={namespace} version={rollbackTo} onClose={() => setRollbackTo(null)} />
      )}
    </div>
  );
}
