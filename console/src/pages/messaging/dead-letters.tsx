import { useDeadLetters } from "../../hooks/use-dead-letters";
import type { useReplayDeadLetters } from "../../hooks/use-messaging-actions";
import { useCanOperate } from "../../hooks/use-session";
import { formatAgo, formatTimestamp } from "../../lib/format";
import { describeActionError } from "./rate-limit";

/** The dead letters of one consumer: why each died and every attempt, with replay of one. */
export function DeadLetters({
  service,
  consumer,
  now,
  replay,
}: {
  service: string;
  consumer: string;
  now: number;
  replay: ReturnType<typeof useReplayDeadLetters>;
}) {
  const letters = useDeadLetters(service, consumer);
  const canOperate = useCanOperate();
  if (letters.error)
    return (
      <p className="error-text" role="alert">
        Dead letters could not be read: {describeActionError(letters.error)}
      </p>
    );
  if (!letters.data) return <p className="muted">Loading dead letters…</p>;
  if (letters.data.length === 0) return <p className="muted">No dead letters for {consumer}.</p>;
  return (
    <ul className="plain dead-letters" aria-label={`Dead letters of ${consumer}`}>
      {letters.data.map((m) => {
        const type = typeof m.event?.type === "string" ? m.event.type : undefined;
        return (
          <li key={m.id} className="dead-letter">
            <div>
              <span className="mono">{m.id}</span>
              {type && <span className="mono"> · {type}</span>} ·{" "}
              <span title={formatTimestamp(m.deadAt)}>died {formatAgo(m.deadAt, now)}</span> · from{" "}
              <span className="mono">{m.origin}</span>
              {canOperate && (
                <button
                  type="button"
                  className="btn btn-small"
                  disabled={replay.isPending}
                  onClick={() => replay.mutate({ service, consumer, ids: [m.id] })}
                >
                  Replay
                </button>
              )}
            </div>
            <div className="error-text">Reason: {m.reason}</div>
            {m.attempts.length > 0 && (
              <ol className="attempts">
                {m.attempts.map((a) => (
                  <li key={a.attempt}>
                    attempt {a.attempt} <span className="muted">{formatTimestamp(a.at)}</span>: {a.error}
                    {a.code && <span className="mono"> ({a.code})</span>}
                  </li>
                ))}
              </ol>
            )}
          </li>
        );
      })}
      {replay.error && (
        <li className="error-text" role="alert">
          Replay failed: {describeActionError(replay.error)}
        </li>
      )}
    </ul>
  );
}
