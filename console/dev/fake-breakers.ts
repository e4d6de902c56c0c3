// The `/ops/breakers` of each fake service: a few breakers per caller, in every state, with actions.

type State = "closed" | "open" | "half-open" | "forced-open" | "disabled";
type Mode = "normal" | "forced-open" | "disabled" | "metrics-only";
interface Fake {
  name: string;
  upstream: string | null;
  state: State;
  mode: Mode;
  window: { calls: number; failures: number; slow: number; failureRate: number; slowRate: number };
  transitions: Array<{ from: State; to: State; at: string; reason: Record<string, unknown> }>;
}

const CALLS: Record<string, string[]> = {
  gateway: ["binance", "config", "dashboard", "kucoin", "monitor", "registry", "risk-guard", "trading"],
  trading: ["risk-guard", "binance", "kucoin"],
  orchestration: ["risk-guard", "trading"],
  monitor: ["trading", "registry"],
};
const config = {
  window: { kind: "count", size: 100 },
  failureRateThreshold: 0.5,
  slowCall: { durationMs: 2000, rateThreshold: 0.8 },
  minimumCalls: 20,
  openMs: 15000,
  halfOpenProbes: 1,
  halfOpenMaxMs: 60000,
  historySize: 20,
};
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

const table = new Map<string, Fake[]>();
for (const [service, upstreams] of Object.entries(CALLS)) {
  table.set(
    service,
    upstreams.map((upstream) => {
      const calls = 20 + ((service.length * upstream.length) % 60);
      const b: Fake = {
        name: `http:${upstream}`,
        upstream,
        state: "closed",
        mode: "normal",
        window: { calls, failures: 1, slow: 0, failureRate: 1 / calls, slowRate: 0 },
        transitions: [],
      };
      if (upstream === "kucoin") {
        b.state = "open";
        b.window = { calls: 40, failures: 25, slow: 2, failureRate: 0.625, slowRate: 0.05 };
        b.transitions = [
          {
            from: "closed",
            to: "open",
            at: ago(8_000),
            reason: { kind: "failure-rate", rate: 0.625, threshold: 0.5, calls: 40 },
          },
        ];
      }
      if (service === "orchestration" && upstream === "trading") {
        b.state = "half-open";
        b.transitions = [
          {
            from: "closed",
            to: "open",
            at: ago(40_000),
            reason: { kind: "slow-call-rate", rate: 0.85, threshold: 0.8, calls: 20 },
          },
          { from: "open", to: "half-open", at: ago(25_000), reason: { kind: "wait-elapsed", openMs: 15000 } },
        ];
      }
      return b;
    }),
  );
}
table.set("trading", [
  ...(table.get("trading") ?? []),
  { ...table.get("trading")![0]!, name: "db:orders", upstream: null },
]);

const view = (b: Fake) => ({ ...b, config, transitions: b.transitions.slice(-20) });

export function breakersOf(service: string, known: boolean) {
  if (!known) return undefined;
  return { breakers: (table.get(service) ?? []).map(view) };
}

/** Applies an operator action; undefined when there is no such breaker. */
export function act(service: string, name: string, action: string) {
  const b = table.get(service)?.find((x) => x.name === name);
  if (!b) return undefined;
  const from = b.state;
  if (action === "reset") {
    b.mode = "normal";
    b.state = "closed";
    b.window = { calls: 0, failures: 0, slow: 0, failureRate: 0, slowRate: 0 };
  } else if (action === "force-open") {
    b.mode = "forced-open";
    b.state = "forced-open";
  } else if (action === "disable") {
    b.mode = "disabled";
    b.state = "disabled";
  } else if (action === "metrics-only") {
    b.mode = "metrics-only";
    b.state = b.state === "forced-open" || b.state === "disabled" ? "closed" : b.state;
  } else return null;
  b.transitions.push({ from, to: b.state, at: new Date().toISOString(), reason: { kind: "manual", action } });
  return view(b);
}
