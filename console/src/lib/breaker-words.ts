import type { BreakerAction, BreakerState, BreakerTransition, TransitionReason } from "../api/types";
import { formatDuration } from "./format";

const pct = (fraction: number) => `${Math.round(fraction * 100)}%`;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

const BECAME: Record<BreakerState, string> = {
  open: "opened",
  closed: "closed",
  "half-open": "half-open",
  "forced-open": "forced open",
  disabled: "disabled",
};

const DID: Record<BreakerAction, string> = {
  reset: "reset",
  "force-open": "forced open",
  disable: "disabled",
  "metrics-only": "switched to metrics-only",
};

/** Why, in words: "failure rate 62% ≥ 50% over 40 calls". */
export function describeReason(reason: TransitionReason): string {
  switch (reason.kind) {
    case "failure-rate":
      return `failure rate ${pct(reason.rate)} ≥ ${pct(reason.threshold)} over ${plural(reason.calls, "call")}`;
    case "slow-call-rate":
      return `slow-call rate ${pct(reason.rate)} ≥ ${pct(reason.threshold)} over ${plural(reason.calls, "call")}`;
    case "wait-elapsed":
      return `${formatDuration(reason.openMs)} open elapsed`;
    case "probes-passed":
      return `${plural(reason.probes, "probe")} passed`;
    case "half-open-timeout":
      return `probes took longer than ${formatDuration(reason.halfOpenMaxMs)}`;
    case "manual":
      return "by an operator";
    case "restored":
      return "restored from a snapshot";
    default:
      return (reason as { kind: string }).kind;
  }
}

/** A transition in words: "opened: failure rate 62% ≥ 50% over 40 calls", "forced open by an operator". */
export function describeTransition(t: BreakerTransition): string {
  if (t.reason.kind === "manual") return `${DID[t.reason.action] ?? t.reason.action} by an operator`;
  return `${BECAME[t.to] ?? t.to}: ${describeReason(t.reason)}`;
}

export const formatRate = pct;
