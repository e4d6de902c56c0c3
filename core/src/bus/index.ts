/** The TypeBox builder catalogues are written with, re-exported so every service uses core's pinned version. */
export { type Static, type TSchema, Type } from "@sinclair/typebox";
/** rabbitmq-client's connection, for callers that share one connection between a bus and other AMQP work. */
export { Connection as AmqpConnection } from "rabbitmq-client";
export { coalesceWrites, createAmqpConnection } from "./amqp-connection";
export { defineEvents, type EventCatalog } from "./catalog";
export { type BusTransport, busOn, noEventsCatalog, openBusTransport, openServiceBus } from "./connect";
export {
  createEnvelope,
  type EnvelopeDefaults,
  EnvelopeSchema,
  type ParsedEnvelope,
  parseEnvelope,
} from "./envelope";
export {
  BusClosedError,
  DuplicateSubscriptionError,
  type EventIssue,
  InvalidEventError,
  PublishNotConfirmedError,
  UnknownConsumerError,
  UnknownEventTypeError,
  UnroutableEventError,
} from "./errors";
export { createInProcessBus, type InProcessBusOptions } from "./in-process";
export { createInProcessBroker, InProcessBroker } from "./in-process-broker";
export { type BusOptions, DEFAULT_RETRY } from "./options";
export { createRabbitMqBus, type RabbitMqBusOptions } from "./rabbitmq";
export { type ConsumerQueueNames, consumerTopology, EVENTS_EXCHANGE, queueNames } from "./rabbitmq-topology";
export { topicMatches } from "./topic-match";
export type {
  AnyEventBus,
  AttemptRecord,
  BusEvent,
  Clock,
  DeadLetter,
  DeadLetterOperations,
  DeliveryContext,
  EncodedEvent,
  EventBus,
  EventEnvelope,
  EventHandler,
  EventOf,
  EventSchemas,
  PublishInput,
  QueueStats,
  RetryOptions,
  SubscribeOptions,
  Subscription,
  SubscriptionStats,
} from "./types";
