/** Thresholds for active checks: a status changes only after enough consecutive results agree. */
export interface AntiFlapOptions {
  /** Consecutive successes before a critical instance is passing again. Defaults to 2. */
  successesToPass: number;
  /** Consecutive failures before a passing instance is critical. Defaults to 3. */
  failuresToCritical: number;
}

export interface CheckState {
  status: "passing" | "critical";
  successes: number;
  failures: number;
  /** What the last check saw (status code, error, which dependency was down). */
  detail: string;
  /** While critical: what made it critical (the failing check's detail, or missed heartbeats). */
  cause?: string;
  at: string;
}

export const initialCheck = (at: string): CheckState => ({
  status: "passing",
  successes: 0,
  failures: 0,
  detail: "not checked yet",
  at,
});

/**
 * Folds one check result into the state: counts consecutive results and flips the status only once
 * the relevant threshold is reached, so one slow answer does not flap an instance.
 */
export function recordCheck(
  state: CheckState,
  ok: boolean,
  detail: string,
  at: string,
  options: AntiFlapOptions,
): CheckState {
  const successes = ok ? state.successes + 1 : 0;
  const failures = ok ? 0 : state.failures + 1;
  let status = state.status;
  let cause = state.cause;
  if (status === "critical" && successes >= options.successesToPass) {
    status = "passing";
    cause = undefined;
  }
  if (status === "passing" && failures >= options.failuresToCritical) {
    status = "critical";
    cause = detail;
  }
  return { status, successes, failures, detail, at, ...(cause === undefined ? {} : { cause }) };
}
