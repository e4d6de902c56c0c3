import { ApiError } from "../../api/client";
import { describeFetchError } from "../../components/fetch-error";

/** A failed action in one line; a 429 says when to try again (from Retry-After). */
export function describeActionError(error: Error): string {
  if (error instanceof ApiError && error.status === 429) {
    const wait = error.retryAfter === undefined ? "" : ` Try again in ${error.retryAfter} s.`;
    return `Rate-limited: ${error.problem?.detail ?? "too many replays"}.${wait}`;
  }
  return describeFetchError(error);
}
