/** A TCP port on 127.0.0.1 that was free a moment ago (the kernel picked it), for a server a test starts. */
export function freePort(): number {
  const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = probe.port as number;
  probe.stop(true);
  return port;
}
