/** A DLQ replay would hand consumers events older than their inbox remembers; pass `force` to replay anyway. */
export class ReplayOutsideRetentionError extends Error {
  override readonly name = "ReplayOutsideRetentionError";
  readonly code = "REPLAY_OUTSIDE_RETENTION" as const;
  readonly retryable = false;
  constructor(
    readonly consumer: string,
    readonly ids: readonly string[],
    readonly retentionMs: number,
  ) {
    super(
      `${ids.length} dead letter(s) of "${consumer}" are older than the inbox retention (${retentionMs} ms), so a ` +
        "replay could repeat their effects; replay with force to do it anyway",
    );
  }
}
