import type { BreakerStatus, CircuitBreaker, TransitionReason } from "./circuit-breaker";
import type { BreakerConfig, BreakerMode } from "./circuit-breaker-options";
import { type Event, EventEmitter } from "./events";
import type { WindowStats } from "./window";

export interface BreakerMeta {
  /** The dependency behind the breaker, e.g. a service name. */
  upstream?: string;
}

/** What `GET /ops/breakers` returns per breaker; JSON-safe. */
export interface BreakerView {
  name: string;
  upstream: string | null;
  state: BreakerStatus;
  mode: BreakerMode;
  window: WindowStats;
  config: BreakerConfig;
  transitions: Array<{ from: BreakerStatus; to: BreakerStatus; at: string; reason: TransitionReason }>;
}

export interface BreakerEntry {
  name: string;
  breaker: CircuitBreaker;
  meta: BreakerMeta;
}

/**
 * The named breakers of one process, for the ops surface and metrics.
 *
 * @example
 * const breakers = new BreakerSet();
 * breakers.add("http:trading", circuitBreaker(), { upstream: "trading" });
 * breakers.get("http:trading")?.forceOpen();
 * breakers.list(); // [{ name: "http:trading", state: "forced-open", … }]
 */
export class BreakerSet {
  private readonly entries = new Map<string, BreakerEntry>();
  private readonly added = new EventEmitter<BreakerEntry>();
  /** Each breaker added from now on. */
  readonly onAdd: Event<BreakerEntry> = this.added.on;

  /** Registers a breaker; a name is unique. Returns the breaker. */
  add(name: string, breaker: CircuitBreaker, meta: BreakerMeta = {}): CircuitBreaker {
    if (this.entries.has(name)) throw new Error(`BreakerSet: a breaker named ${name} exists`);
    breaker.name = name;
    const entry = { name, breaker, meta };
    this.entries.set(name, entry);
    this.added.emit(entry);
    return breaker;
  }

  get(name: string): CircuitBreaker | undefined {
    return this.entries.get(name)?.breaker;
  }

  entriesList(): BreakerEntry[] {
    return [...this.entries.values()];
  }

  list(): BreakerView[] {
    return this.entriesList().map(({ name, breaker, meta }) => ({
      name,
      upstream: meta.upstream ?? null,
      state: breaker.status,
      mode: breaker.mode,
      window: breaker.stats(),
      config: breaker.config,
      transitions: breaker.transitions().map((t) => ({ ...t, at: new Date(t.at).toISOString() })),
    }));
  }
}
