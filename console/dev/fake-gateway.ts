// A stand-in for the gateway's registry routes, for working on the console without the suite.
// Run: bun console/dev/fake-gateway.ts   then   DIANA_GATEWAY_URL=http://127.0.0.1:8099 bun run --cwd console dev
// Not shipped; not part of the build.

const port = Number(Bun.env.FAKE_GATEWAY_PORT ?? 8099);
const boot = Date.now();
const names = ["binance", "config", "dashboard", "gateway", "kucoin", "monitor", "orchestration"];
const more = ["registry", "risk-guard", "scoring", "trading"];
const at = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();

function instances() {
  return [...names, ...more].flatMap((service, n) => {
    const base = {
      service,
      version: "0.1.0",
      infra: "real" as const,
      ttlMs: 4000,
      startedAt: new Date(boot - n * 61_000).toISOString(),
      registeredAt: new Date(boot).toISOString(),
    };
    const one = (id: string, port: number, status: string, beatAgo: number) => ({
      ...base,
      id: `${service}-${id}`,
      url: `http://127.0.0.1:${port}`,
      status,
      lastHeartbeat: at(beatAgo),
    });
    const beat = (Date.now() - boot) % 1000;
    if (service === "kucoin") return [one("9f2c41d07a1b", 8002, "critical", Date.now() - boot + 5000)];
    if (service === "trading")
      return [
        one("0a1b2c3d4e5f", 8000, "passing", beat),
        { ...one("77aa01bc93de", 8100, "passing", beat), version: "0.2.0" },
        one("5d6e7f8091a2", 8200, "left", 95_000),
      ];
    return [one(`${n.toString(16).padStart(2, "0")}c0ffee1234`, 8020 + n, "passing", beat)];
  });
}

function services() {
  const all = instances();
  return [...new Set(all.map((i) => i.service))].sort().map((name) => {
    const list = all.filter((i) => i.service === name);
    const passing = list.filter((i) => i.status === "passing");
    return {
      name,
      status: passing.length ? "healthy" : "unhealthy",
      instances: list.length,
      passing: passing.length,
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

Bun.serve({
  port,
  hostname: "127.0.0.1",
  fetch(req) {
    const { pathname } = new URL(req.url);
    if (pathname === "/api/registry/services") return Response.json({ services: services() });
    if (pathname === "/api/registry/instances") return Response.json({ instances: instances() });
    return Response.json(
      {
        type: "about:blank",
        title: "Not Found",
        status: 404,
        code: "NOT_FOUND",
        detail: `no route ${pathname}`,
      },
      { status: 404, headers: { "content-type": "application/problem+json" } },
    );
  },
});
console.log(`fake gateway on http://127.0.0.1:${port}`);
