import type { Attachment, ServiceInfo } from "../service";
import type { RegistryClient } from "./client";

/** Events a registration emits; the service kit logs them, registration itself never logs. */
export type RegistrationEvent =
  | { type: "registered"; instanceId: string }
  | { type: "reregistered"; instanceId: string }
  | { type: "heartbeat-failed"; instanceId: string; error: unknown }
  | { type: "deregistered"; instanceId: string };

export interface RegistrationOptions {
  /** Defaults to 3 s. */
  heartbeatIntervalMs?: number;
  /** How long the registry keeps the instance passing without a heartbeat. Defaults to 10 s. */
  ttlMs?: number;
  onEvent?: (event: RegistrationEvent) => void;
  /** The config release the instance runs, reported on registration and with each heartbeat. */
  configVersion?: () => number | null;
}

/**
 * An attachment that registers the instance once it is ready, heartbeats, registers again when the
 * registry forgot it, and deregisters first thing on shutdown.
 *
 * @example
 * service.attach(registration(registryClient, { heartbeatIntervalMs: 3_000, ttlMs: 10_000 }));
 */
export function registration(client: RegistryClient, options: RegistrationOptions = {}): Attachment {
  const interval = options.heartbeatIntervalMs ?? 3_000;
  const ttlMs = options.ttlMs ?? 10_000;
  const emit = options.onEvent ?? (() => {});
  let timer: Timer | undefined;
  let info: ServiceInfo | undefined;

  const register = (i: ServiceInfo) =>
    client.register({
      id: i.instanceId,
      service: i.name,
      url: i.url,
      version: i.version,
      infra: i.infra,
      startedAt: i.startedAt,
      ttlMs,
    });

  async function beat(): Promise<void> {
    if (!info) return;
    try {
      if (!(await client.heartbeat(info.instanceId, options.configVersion?.()))) {
        await register(info);
        emit({ type: "reregistered", instanceId: info.instanceId });
      }
    } catch (error) {
      emit({ type: "heartbeat-failed", instanceId: info.instanceId, error });
    }
  }

  return {
    async onReady(i) {
      info = i;
      // A registry that is still starting must not fail the instance: keep trying on each beat.
      try {
        await register(i);
        emit({ type: "registered", instanceId: i.instanceId });
      } catch (error) {
        emit({ type: "heartbeat-failed", instanceId: i.instanceId, error });
      }
      timer = setInterval(beat, interval);
    },
    async onDrain() {
      clearInterval(timer);
      timer = undefined;
      if (!info) return;
      await client.deregister(info.instanceId);
      emit({ type: "deregistered", instanceId: info.instanceId });
    },
  };
}
