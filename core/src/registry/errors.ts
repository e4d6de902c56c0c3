/** The registry did not answer, or answered with an unexpected status. */
export class RegistryUnavailableError extends Error {
  override readonly name = "RegistryUnavailableError";
  readonly code = "REGISTRY_UNAVAILABLE" as const;
  readonly retryable = true;
  readonly status = 503;
  constructor(detail: string, options?: { cause?: unknown }) {
    super(detail, options);
  }
}
