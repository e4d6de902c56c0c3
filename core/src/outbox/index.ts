export { DEFAULT_ROW_BACKOFF, type RowBackoff } from "./backoff";
export { bindOutboxMetrics } from "./metrics";
export { createOutbox, type Outbox, type OutboxOptions } from "./outbox";
export { createOutboxRelay, type OutboxRelay, type OutboxRelayOptions, type RoundResult } from "./relay";
export { deleteInBatches } from "./rows";
export type {
  DeadOutboxRow,
  OutboxDatabase,
  OutboxOps,
  OutboxStats,
  RelayEvent,
  RequeueSelection,
  SqlExecutor,
} from "./types";
