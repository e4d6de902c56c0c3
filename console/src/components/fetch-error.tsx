import { ApiError, UnreachableError } from "../api/client";
import { POLL_MS } from "../api/queries";
import { formatAgo } from "../lib/format";

/** What went wrong with a polled request, said plainly, plus how old the data on screen is. */
export function FetchError({
  error,
  dataUpdatedAt,
  now,
}: {
  error: Error;
  dataUpdatedAt: number;
  now: number;
}) {
  const retry = `retrying every ${POLL_MS / 1000} s`;
  return (
    <div className="banner banner-error" role="alert">
      <strong>{describeFetchError(error)}</strong> — {retry}.{" "}
      {dataUpdatedAt > 0
        ? `The table shows data from ${formatAgo(new Date(dataUpdatedAt).toISOString(), now)}.`
        : "No data yet."}
    </div>
  );
}

/** A one-line account of a failed gateway call. */
export function describeFetchError(error: Error): string {
  if (error instanceof UnreachableError) return "The gateway does not answer";
  if (error instanceof ApiError) {
    const { status, problem } = error;
    // A 5xx without a problem body did not come from a Diana service: a proxy in front could not reach it.
    if (!problem && status >= 500) return `The gateway does not answer (HTTP ${status})`;
    const what = problem?.title ?? `HTTP ${status}`;
    return problem?.detail ? `${what}: ${problem.detail}` : what;
  }
  return `Unexpected error: ${error.message}`;
}
