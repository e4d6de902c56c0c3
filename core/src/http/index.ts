export { type Balancer, type BalancerKind, createBalancer } from "./balancer";
export {
  type ClientRequestInit,
  createHttpClient,
  type HttpClient,
  type HttpClientOptions,
  type UpstreamPolicies,
} from "./client";
export { type Discovery, type Instance, staticDiscovery } from "./discovery";
export {
  parseRetryAfter,
  UpstreamNetworkError,
  UpstreamStatusError,
  UpstreamUnavailableError,
} from "./errors";
export {
  isRetrySafe,
  PROPAGATED_HEADERS,
  propagate,
  type RequestContext,
  requestContext,
} from "./propagation";
export { readSse, type SseMessage } from "./sse";
