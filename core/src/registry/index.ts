export { createRegistryClient, type RegistryClient, type RegistryClientOptions } from "./client";
export { RegistryUnavailableError } from "./errors";
export { type RegistrationEvent, type RegistrationOptions, registration } from "./registration";
export type { Discovery, InstanceRecord, InstanceRegistration, InstanceStatus } from "./types";
