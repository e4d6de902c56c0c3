import { useState } from "react";
import type { BreakerAction, OwnedBreaker } from "../../api/types";
import { describeFetchError } from "../../components/fetch-error";
import { StatusBadge } from "../../components/status-badge";
import { useBreakerAction } from "../../hooks/use-breaker-action";
import { useCanOperate } from "../../hooks/use-session";
import { describeTransition, formatRate } from "../../lib/breaker-words";
import { formatAgo, formatTimestamp } from "../../lib/format";
import { ConfirmAction } from "./confirm-action";

const LABEL: Record<BreakerAction, string> = {
  reset: "Reset",
  "force-open": "Force open",
  disable: "Disable",
  "metrics-only": "Metrics only",
};

/** Actions that stop or unguard traffic: asked about first. */
const ASK: ReadonlySet<BreakerAction> = new Set(["force-open", "disable"]);

/** The action that would change nothing. */
const current = (b: OwnedBreaker): BreakerAction | undefined =>
  b.mode === "forced-open"
    ? "force-open"
    : b.mode === "disabled"
      ? "disable"
      : b.mode === "metrics-only"
        ? "metrics-only"
        : undefined;

export function BreakerRow({ breaker: b, now }: { breaker: OwnedBreaker; now: number }) {
  const act = useBreakerAction();
  const canOperate = useCanOperate();
  const [asking, setAsking] = useState<BreakerAction | null>(null);
  const last = b.transitions.at(-1);
  const threshold =
    typeof b.config.failureRateThreshold === "number" ? b.config.failureRateThreshold : undefined;
  const minimumCalls = typeof b.config.minimumCalls === "number" ? b.config.minimumCalls : undefined;
  const bad = b.state === "open" || b.state === "forced-open";
  const run = (action: BreakerAction) =>
    act.mutate({ service: b.service, name: b.name, action }, { onSuccess: () => setAsking(null) });

  return (
    <tr data-testid={`breaker-${b.service}-${b.name}`} className={bad ? "row-unhealthy" : undefined}>
      <td>{b.service}</td>
      <th scope="row" className="mono" title={b.name}>
        {b.name}
      </th>
      <td data-testid="breaker-state">
        <span className="badges">
          <StatusBadge status={b.state} />
          {b.mode === "metrics-only" && (
            <StatusBadge status="metrics-only" title="a dry run: the breaker reports but never rejects" />
          )}
        </span>
      </td>
      <td className="num" title={threshold === undefined ? undefined : `opens at ${formatRate(threshold)}`}>
        {formatRate(b.window.failureRate)}
        <span className="muted sub-inline"> ({b.window.failures})</span>
      </td>
      <td className="num">
        {formatRate(b.window.slowRate)}
        <span className="muted sub-inline"> ({b.window.slow})</span>
      </td>
      <td
        className="num"
        title={minimumCalls === undefined ? undefined : `may open from ${minimumCalls} calls`}
      >
        {b.window.calls}
      </td>
      <td className="wrap" data-testid="breaker-last-transition">
        {last ? (
          <>
            {describeTransition(last)}{" "}
            <span className="muted" title={formatTimestamp(last.at)}>
              · {formatAgo(last.at, now)}
            </span>
          </>
        ) : (
          <span className="muted">none yet</span>
        )}
      </td>
      <td className="actions">
        {canOperate && (
          <span className="btn-row">
            {(Object.keys(LABEL) as BreakerAction[]).map((action) => (
              <button
                key={action}
                type="button"
                className={`btn btn-small${ASK.has(action) ? " btn-danger-outline" : ""}`}
                disabled={act.isPending || current(b) === action}
                onClick={() => (ASK.has(action) ? setAsking(action) : run(action))}
              >
                {LABEL[action]}
              </button>
            ))}
          </span>
        )}
        {act.error && !asking && (
          <div className="error-text" role="alert">
            {describeFetchError(act.error)}
          </div>
        )}
        {asking && (
          <ConfirmAction
            title={`${LABEL[asking]} ${b.name} in ${b.service}?`}
            confirm={LABEL[asking]}
            pending={act.isPending}
            error={act.error}
            onConfirm={() => run(asking)}
            onClose={() => {
              act.reset();
              setAsking(null);
            }}
          >
            {asking === "force-open"
              ? `Every call ${b.service} makes to ${b.upstream ?? "this dependency"} through this breaker is refused until someone resets it.`
              : `Calls pass whatever happens and nothing is recorded: ${b.service} loses its protection against ${b.upstream ?? "this dependency"} until someone resets it.`}
          </ConfirmAction>
        )}
      </td>
    </tr>
  );
}
