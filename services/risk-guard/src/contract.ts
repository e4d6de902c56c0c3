/** risk-guard's public contract: its events (none yet) and the app type for typed clients. */
export type { RiskGuardApp } from "./app";
