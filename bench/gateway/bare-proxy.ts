/**
 * The runtime's floor for the gateway bench: `Bun.serve` handing every `/api/trivial/…` request to `fetch`
 * on the upstream and returning its response as it is — no auth, rate limit, breaker, ids or headers.
 * Whatever this costs per request, a gateway written on Bun pays before doing any of its own work.
 * `bun bench/gateway/bare-proxy.ts <upstreamPort> <port>`.
 */
const [upstreamPort, port] = process.argv.slice(2).map(Number);
if (!upstreamPort || !port) throw new Error("usage: bare-proxy.ts <upstreamPort> <port>");
const PREFIX = "/api/trivial";

Bun.serve({
  port,
  hostname: "127.0.0.1",
  fetch(request) {
    const url = request.url;
    const path = url.slice(url.indexOf("/", url.indexOf("//") + 2) + PREFIX.length) || "/";
    return fetch(`http://127.0.0.1:${upstreamPort}${path}`, {
      method: request.method,
      headers: request.headers,
      redirect: "manual",
    });
  },
});
