// The registry's side of the fake gateway: instances with drains, checks, protection and history.

const boot = Date.now();
const SERVICES = [
  "binance",
  "config",
  "dashboard",
  "gateway",
  "kucoin",
  "monitor",
  "orchestration",
  "registry",
  "risk-guard",
  "scoring",
  "trading",
];
const iso = (ms: number) => new Date(ms).toISOString();

interface Fixed {
  id: string;
  service: string;
  port: number;
  version: string;
  /** "dead" stops heartbeating at boot; "held" too, but mass-eviction protection keeps it. */
  fate: "alive" | "dead" | "held" | "left";
}

const fixed: Fixed[] = SERVICES.flatMap((service, n): Fixed[] => {
  const id = (suffix: string) => `${service}-${suffix}`;
  const hex = `${n.toString(16).padStart(2, "0")}c0ffee1234`;
  if (service === "kucoin")
    return [{ id: id("9f2c41d07a1b"), service, port: 8002, version: "0.1.0", fate: "dead" }];
  if (service === "trading")
    return [
      { id: id("0a1b2c3d4e5f"), service, port: 8000, version: "0.1.0", fate: "alive" },
      { id: id("77aa01bc93de"), service, port: 8100, version: "0.2.0", fate: "alive" },
      { id: id("5d6e7f8091a2"), service, port: 8200, version: "0.1.0", fate: "left" },
    ];
  if (service === "scoring" && Bun.env.FAKE_GUARD === "1")
    return [0, 1, 2].map((k) => ({
      id: id(`${k}${hex}`),
      service,
      port: 8011 + k * 100,
      version: "0.1.0",
      fate: "held",
    }));
  return [{ id: id(hex), service, port: 8020 + n, version: "0.1.0", fate: "alive" }];
});

const drains = new Map<string, { reason: string; at: string }>([
  ["trading-77aa01bc93de", { reason: "canary of 0.2.0 paused", at: iso(boot - 240_000) }],
]);
type Entry = { instanceId: string; service: string; status: string; reason: string; at: string };
const history = new Map<string, Entry[]>();
const record = (i: Fixed, status: string, reason: string, at = Date.now()) =>
  history.set(i.id, [
    { instanceId: i.id, service: i.service, status, reason, at: iso(at) },
    ...(history.get(i.id) ?? []),
  ]);
for (const i of fixed) {
  record(i, "registered", `version ${i.version} at http://127.0.0.1:${i.port}`, boot - 600_000);
  record(i, "passing", "ready check passed", boot - 598_000);
  if (i.fate === "dead") record(i, "critical", "ready check failed: connection refused", boot - 5_000);
  if (i.fate === "left") record(i, "left", "deregistered", boot - 95_000);
}
record(
  fixed.find((i) => i.id === "trading-77aa01bc93de")!,
  "drained",
  "canary of 0.2.0 paused",
  boot - 240_000,
);

export function instances() {
  const beat = Date.now() - ((Date.now() - boot) % 1000);
  const list = fixed.map((i, n) => {
    const dead = i.fate === "dead" || i.fate === "held";
    const status = i.fate === "left" ? "left" : i.fate === "dead" ? "critical" : "passing";
    const drained = i.fate === "left" ? null : (drains.get(i.id) ?? null);
    return {
      id: i.id,
      service: i.service,
      url: `http://127.0.0.1:${i.port}`,
      version: i.version,
      infra: "real" as const,
      startedAt: iso(boot - n * 61_000),
      ttlMs: 4000,
      tags: [],
      configVersion: 3,
      status,
      registeredAt: iso(boot - 600_000),
      lastHeartbeat: iso(i.fate === "left" ? boot - 95_000 : dead ? boot - 5_000 : beat),
      drained,
      check:
        i.fate === "left"
          ? null
          : i.fate === "dead"
            ? { status: "critical" as const, detail: "GET /health/ready: connection refused", at: iso(beat) }
            : { status: "passing" as const, detail: "ready", at: iso(beat) },
      protected: i.fate === "held",
      routable: status === "passing" && !drained,
    };
  });
  const held = list.filter((i) => i.protected).map((i) => i.id);
  return { instances: list, guard: { engaged: held.length > 0, held } };
}

export function services() {
  const all = instances().instances;
  return [...new Set(all.map((i) => i.service))].sort().map((name) => {
    const list = all.filter((i) => i.service === name);
    const passing = list.filter((i) => i.status === "passing");
    return {
      name,
      status: list.some((i) => i.routable) ? "healthy" : "unhealthy",
      instances: list.length,
      passing: passing.length,
      routable: list.filter((i) => i.routable).length,
      drained: list.filter((i) => i.drained && i.status !== "left").length,
      versions: [...new Set(list.map((i) => i.version))].sort(),
      upSince: passing.map((i) => i.startedAt).sort()[0] ?? null,
      lastHeartbeat:
        list
          .map((i) => i.lastHeartbeat)
          .sort()
          .at(-1) ?? null,
    };
  });
}

export function historyOf(id: string, limit: number) {
  return fixed.some((i) => i.id === id) ? (history.get(id) ?? []).slice(0, limit) : undefined;
}

/** Drains (with a reason) or enables; undefined when there is no such instance. */
export function setDrain(id: string, reason: string | null) {
  const i = fixed.find((f) => f.id === id);
  if (!i) return undefined;
  if (reason === null) {
    drains.delete(id);
    record(i, "enabled", "returned to rotation");
  } else {
    drains.set(id, { reason, at: iso(Date.now()) });
    record(i, "drained", reason);
  }
  return instances().instances.find((x) => x.id === id);
}
