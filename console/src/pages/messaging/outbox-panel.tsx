import type { OutboxView } from "../../api/types";
import { useRequeueOutbox } from "../../hooks/use-messaging-actions";
import { useCanOperate } from "../../hooks/use-session";
import { formatAgo, formatDuration, formatTimestamp } from "../../lib/format";
import { describeActionError } from "./rate-limit";
import { Unavailable } from "./unavailable";

/** A service's outbox: backlog, oldest pending age, relay lag, last publish, dead rows and requeue. */
export function OutboxPanel({
  service,
  outbox: o,
  error,
  now,
}: {
  service: string;
  outbox: OutboxView | undefined;
  error: Error | null;
  now: number;
}) {
  const requeue = useRequeueOutbox();
  const canOperate = useCanOperate();
  if (error) return <Unavailable what="Outbox" error={error} />;
  if (!o) return <p className="muted">Loading outbox…</p>;
  return (
    <div className="outbox" data-testid="outbox">
      <p className="outbox-line">
        <strong>Outbox</strong> · backlog{" "}
        <span data-testid="outbox-backlog" className={o.pending > 0 ? "summary-warn" : undefined}>
          {o.pending}
        </span>
        {o.pending > 0 && <> · oldest {formatDuration(o.oldestPendingAgeSeconds * 1000)}</>}
        {" · dead "}
        <span data-testid="outbox-dead" className={o.dead > 0 ? "summary-bad" : undefined}>
          {o.dead}
        </span>
        <span className="muted">
          {" "}
          · relay lag {o.relayLagMs === null ? "–" : `${Math.round(o.relayLagMs)} ms`} · last publish{" "}
          {o.lastPublishAt ? (
            <span title={formatTimestamp(o.lastPublishAt)}>{formatAgo(o.lastPublishAt, now)}</span>
          ) : (
            "never"
          )}{" "}
          · {o.published} published, {o.failed} failed, {o.unroutable} unroutable
          {o.notifyGate === "quiet" && (
            <span title="The relay is busy claiming: producers leave out their NOTIFY">
              {" "}
              · producers quiet
            </span>
          )}
        </span>
        {canOperate && o.dead > 0 && (
          <button
            type="button"
            className="btn btn-small outbox-requeue"
            disabled={requeue.isPending}
            onClick={() => requeue.mutate({ service })}
          >
            Requeue all dead
          </button>
        )}
      </p>
      {requeue.error && (
        <p className="error-text" role="alert">
          Requeue failed: {describeActionError(requeue.error)}
        </p>
      )}
      {requeue.data && !requeue.error && (
        <p className="muted" role="status">
          Requeued {requeue.data.requeued} rows.
        </p>
      )}
      {o.deadRows.length > 0 && (
        <table className="services dead-rows">
          <caption className="visually-hidden">Dead outbox rows of {service}</caption>
          <thead>
            <tr>
              <th scope="col">Dead row</th>
              <th scope="col">Event type</th>
              <th scope="col">Aggregate</th>
              <th scope="col" className="num">
                Attempts
              </th>
              <th scope="col">Last error</th>
              <th scope="col">Written</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {o.deadRows.map((r) => (
              <tr key={r.id} className="row-unhealthy">
                <td className="mono">{r.id.slice(0, 8)}</td>
                <td className="mono">{r.type}</td>
                <td className="mono">{r.aggregateId}</td>
                <td className="num">{r.attempts}</td>
                <td className="wrap">{r.lastError ?? <span className="muted">none</span>}</td>
                <td title={formatTimestamp(r.createdAt)}>{formatAgo(r.createdAt, now)}</td>
                <td className="actions">
                  {canOperate && (
                    <button
                      type="button"
                      className="btn btn-small"
                      disabled={requeue.isPending}
                      onClick={() => requeue.mutate({ service, ids: [r.id] })}
                    >
                      Requeue
                    </button>
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
