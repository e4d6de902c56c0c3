import { ApiError } from "../../api/client";
import { describeFetchError } from "../../components/fetch-error";

/** A part of a service that could not be read; a 404 means the service has none. */
export function Unavailable({ what, error }: { what: string; error: Error }) {
  if (error instanceof ApiError && error.status === 404)
    return (
      <p className="muted" data-testid={`no-${what.toLowerCase()}`}>
        {what}: none — this service runs without one.
      </p>
    );
  return (
    <p className="error-text" role="alert">
      {what} could not be read: {describeFetchError(error)} — retrying every 2 s.
    </p>
  );
}
