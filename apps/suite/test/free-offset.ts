import { catalogue } from "../src/catalogue";

/**
 * A port offset under which every service's port is free right now. Offsets keep the ports below
 * Linux's ephemeral range (32768+), where outgoing connections would otherwise collide with them.
 */
export function freeOffset(): number {
  for (let attempt = 0; attempt < 50; attempt++) {
    const offset = 12_000 + Math.floor(Math.random() * 12_000);
    const probes: ReturnType<typeof Bun.serve>[] = [];
    try {
      for (const e of catalogue) {
        probes.push(
          Bun.serve({ port: e.meta.defaultPort + offset, hostname: "0.0.0.0", fetch: () => new Response() }),
        );
      }
      return offset;
    } catch {
      // one was taken: try another offset
    } finally {
      for (const p of probes) p.stop(true);
    }
  }
  throw new Error("no free port offset found in 50 attempts");
}
