/** One problem with an event payload, as reported by its TypeBox schema. */
export interface EventIssue {
  /** JSON pointer into `data`, e.g. `/qty`; `""` for the payload itself. */
  path: string;
  message: string;
}

function describeIssues(issues: readonly EventIssue[]): string {
  return issues.map((issue) => `${issue.path || "/"}: ${issue.message}`).join("; ");
}

/** A payload does not match the schema its event type has in the catalogue. Never retryable. */
export class InvalidEventError extends Error {
  override readonly name = "InvalidEventError";
  readonly code = "INVALID_EVENT" as const;
  readonly retryable = false;
  constructor(
    readonly eventType: string,
    readonly issues: readonly EventIssue[],
    options?: { cause?: unknown },
  ) {
    super(`invalid "${eventType}" event: ${describeIssues(issues)}`, options);
  }
}

/** The event type is not in the bus's catalogue. Never retryable. */
export class UnknownEventTypeError extends Error {
  override readonly name = "UnknownEventTypeError";
  readonly code = "UNKNOWN_EVENT_TYPE" as const;
  readonly retryable = false;
  constructor(readonly eventType: string) {
    super(`event type "${eventType}" is not in the catalogue`);
  }
}

/**
 * No queue is bound for the event's type, so the broker returned it (`mandatory`). Retryable: a
 * consumer may declare its queue later, and the outbox keeps the row until then.
 */
export class UnroutableEventError extends Error {
  override readonly name = "UnroutableEventError";
  readonly code = "UNROUTABLE_EVENT" as const;
  readonly retryable = true;
  constructor(
    readonly eventType: string,
    readonly eventId: string,
    readonly replyText = "NO_ROUTE",
  ) {
    super(`event ${eventId} of type "${eventType}" is unroutable: ${replyText}`);
  }
}

/** The broker refused to confirm a publish (basic.nack, a closed channel, a lost connection). Retryable. */
export class PublishNotConfirmedError extends Error {
  override readonly name = "PublishNotConfirmedError";
  readonly code = "PUBLISH_NOT_CONFIRMED" as const;
  readonly retryable = true;
  constructor(
    readonly eventId: string,
    options?: { cause?: unknown },
  ) {
    super(`publish of event ${eventId} was not confirmed by the broker`, options);
  }
}

/** The bus was closed; nothing more is published or consumed. */
export class BusClosedError extends Error {
  override readonly name = "BusClosedError";
  readonly code = "BUS_CLOSED" as const;
  readonly retryable = false;
  constructor() {
    super("the event bus is closed");
  }
}

/** This bus already has a subscription for that consumer; one subscription per consumer per bus. */
export class DuplicateSubscriptionError extends Error {
  override readonly name = "DuplicateSubscriptionError";
  readonly code = "DUPLICATE_SUBSCRIPTION" as const;
  readonly retryable = false;
  constructor(readonly consumer: string) {
    super(`consumer "${consumer}" is already subscribed on this bus`);
  }
}

/** A DLQ or queue operation named a consumer whose queues do not exist. */
export class UnknownConsumerError extends Error {
  override readonly name = "UnknownConsumerError";
  readonly code = "UNKNOWN_CONSUMER" as const;
  readonly retryable = false;
  constructor(readonly consumer: string) {
    super(`no queues exist for consumer "${consumer}"`);
  }
}
