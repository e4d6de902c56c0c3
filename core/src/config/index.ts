export { readSse, type SseMessage } from "../http/sse";
export {
  type ConfigClient,
  type ConfigClientEvent,
  type ConfigClientOptions,
  type ConfigSnapshot,
  ConfigUnavailableError,
  createConfigClient,
} from "./client";
export { fileReleaseCache, noReleaseCache, type ReleaseCache } from "./client-cache";
export { EnvError, type EnvIssue, readEnv, type ServiceEnv, serviceEnv, UrlVar } from "./env";
export {
  applyPolicyConfig,
  livePolicies,
  type PolicyConfig,
  PolicyConfigSchema,
  policyFor,
  type UpstreamPolicyConfig,
} from "./policy-config";
export {
  type AppliedReport,
  AppliedReportSchema,
  canonicalJson,
  contentHash,
  NamespaceName,
  RELEASE_EVENT,
  type Release,
  ReleaseSchema,
} from "./release";
