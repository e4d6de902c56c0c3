export { createRegistryClient, type RegistryClient, type RegistryClientOptions } from "./client";
export { RegistryUnavailableError } from "./errors";
export { type RegistrationEvent, type RegistrationOptions, registration } from "./registration";
export type {
  CheckView,
  Discovery,
  Drain,
  InstanceRecord,
  InstanceRegistration,
  InstanceStatus,
} from "./types";
export { type FleetSnapshot, type WatchOptions, watchFleet } from "./watch";
