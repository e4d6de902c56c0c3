import { type Static, type TObject, type TProperties, Type } from "@sinclair/typebox";
import { createServiceTokenSigner } from "../auth/service-token";
import {
  applyPolicyConfig,
  type ConfigClient,
  type ConfigClientOptions,
  createConfigClient,
  PolicyConfigSchema,
} from "../config";
import type { BreakerSet } from "../resilience";

/**
 * What every service's namespace holds: its breaker, retry and timeout policies per upstream
 * (applied live with `reconfigure`, keeping breaker state). A service adds its own tunables.
 */
export const platformConfigProperties = { policies: PolicyConfigSchema };

/** The platform part of a namespace's schema, extended with a service's own tunables. */
export function serviceConfigSchema<P extends TProperties>(own: P = {} as P) {
  return Type.Object({ ...platformConfigProperties, ...own }, { default: {} });
}

export type PlatformConfig = Static<ReturnType<typeof serviceConfigSchema>>;

export interface PlatformConfigOptions<S extends TObject> {
  url: string;
  namespace: string;
  schema: S;
  serviceToken: string;
  instanceId: string;
  cacheDir?: string;
  breakers: BreakerSet;
  onError?: (error: unknown) => void;
  /** The client's events (stream lost, ack failed, release rejected), for the service's log. */
  onEvent?: ConfigClientOptions<S>["onEvent"];
}

/**
 * The hot-reload config client of a platform service: signs its own service token, and applies
 * each release's `policies` to the service's breakers.
 */
export function platformConfigClient<S extends TObject>(
  options: PlatformConfigOptions<S>,
): ConfigClient<Static<S>> {
  const signer = createServiceTokenSigner({ secret: options.serviceToken, subject: options.namespace });
  const client = createConfigClient({
    url: options.url,
    namespace: options.namespace,
    schema: options.schema,
    token: () => signer.token(),
    instanceId: options.instanceId,
    cacheDir: options.cacheDir,
    onEvent: options.onEvent,
  });
  client.onChange((next) => {
    try {
      applyPolicyConfig(
        options.breakers,
        (next.value as { policies: Static<typeof PolicyConfigSchema> }).policies,
      );
    } catch (e) {
      options.onError?.(e);
    }
  });
  return client;
}
