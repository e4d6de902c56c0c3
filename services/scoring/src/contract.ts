/** scoring's public contract: its events (none yet) and the app type for typed clients. */
export type { ScoringApp } from "./app";
