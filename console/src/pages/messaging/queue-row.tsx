import { useState } from "react";
import type { BusQueue } from "../../api/types";
import { usePurgeDeadLetters, useReplayDeadLetters } from "../../hooks/use-messaging-actions";
import { useCanOperate } from "../../hooks/use-session";
import { formatDuration, formatRate } from "../../lib/format";
import { ConfirmAction } from "../breakers/confirm-action";
import { DeadLetters } from "./dead-letters";
import { describeActionError } from "./rate-limit";

/** One consumer's queue, its retry stages and dead letters, with replay and purge for operators. */
export function QueueRow({ service, queue: q, now }: { service: string; queue: BusQueue; now: number }) {
  const canOperate = useCanOperate();
  const replay = useReplayDeadLetters();
  const purge = usePurgeDeadLetters();
  const [open, setOpen] = useState(false);
  const [asking, setAsking] = useState(false);
  const detailId = `dlq-${service}-${q.consumer}`;
  return (
    <>
      <tr
        data-testid={`queue-${service}-${q.consumer}`}
        className={q.dlqDepth > 0 ? "row-unhealthy" : undefined}
      >
        <th scope="row" className="mono">
          {q.consumer}
        </th>
        <td className="num">{q.depth}</td>
        <td className={q.consumers === 0 ? "num summary-bad" : "num"} data-testid="consumers">
          {q.consumers}
        </td>
        <td className="num" data-testid="dlq-depth">
          {q.dlqDepth}
        </td>
        <td>
          {q.retryDepths.length === 0 ? (
            <span className="muted">none</span>
          ) : (
            q.retryDepths.map((r, i) => (
              <span key={r.delayMs} className={r.depth > 0 ? "summary-warn" : undefined}>
                {i > 0 && " · "}
                {formatDuration(r.delayMs)}: {r.depth}
              </span>
            ))
          )}
        </td>
        <td className="num" data-testid="rates">
          {formatRate(q.rates.consumedPerSecond)} / {formatRate(q.rates.failedPerSecond)}
        </td>
        <td className="num" data-testid="handled">
          {q.stats ? (
            `${q.stats.succeeded} / ${q.stats.failed} / ${q.stats.redelivered}`
          ) : (
            <span className="muted">–</span>
          )}
        </td>
        <td className="actions">
          <span className="btn-row">
            <button
              type="button"
              className="btn btn-small"
              aria-expanded={open}
              aria-controls={detailId}
              onClick={() => setOpen(!open)}
            >
              {open ? "Hide dead letters" : "Browse dead letters"}
            </button>
            {canOperate && (
              <>
                <button
                  type="button"
                  className="btn btn-small"
                  disabled={replay.isPending || q.dlqDepth === 0}
                  onClick={() => replay.mutate({ service, consumer: q.consumer })}
                >
                  Replay all
                </button>
                <button
                  type="button"
                  className="btn btn-small btn-danger-outline"
                  disabled={purge.isPending || q.dlqDepth === 0}
                  onClick={() => setAsking(true)}
                >
                  Purge
                </button>
              </>
            )}
          </span>
          {replay.error && (
            <div className="error-text" role="alert">
              Replay failed: {describeActionError(replay.error)}
            </div>
          )}
          {replay.data && !replay.error && (
            <div className="muted" role="status">
              Replayed {replay.data.replayed}.
            </div>
          )}
          {asking && (
            <ConfirmAction
              title={`Purge the dead letters of ${q.consumer} in ${service}?`}
              confirm="Purge"
              pending={purge.isPending}
              error={purge.error}
              onConfirm={() =>
                purge.mutate({ service, consumer: q.consumer }, { onSuccess: () => setAsking(false) })
              }
              onClose={() => {
                purge.reset();
                setAsking(false);
              }}
            >
              All {q.dlqDepth} dead letters of {q.consumer} are deleted for good; they cannot be replayed
              afterwards.
            </ConfirmAction>
          )}
        </td>
      </tr>
      {open && (
        <tr className="detail" id={detailId}>
          <td colSpan={8}>
            <DeadLetters service={service} consumer={q.consumer} now={now} replay={replay} />
          </td>
        </tr>
      )}
    </>
  );
}
