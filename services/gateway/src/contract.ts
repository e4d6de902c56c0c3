/** The gateway's public contract: the app type for typed clients. */
export type { GatewayApp } from "./app";
