/**
 * `bun run bench`: runs every benchmark script in turn, each in its own process so one script's
 * memory and JIT state do not colour the next. `bun run bench breaker bus` runs just those.
 */
import { join } from "node:path";

const scripts = [
  "startup",
  "breaker",
  "http-client",
  "bus",
  "outbox",
  "outbox-drain",
  "gateway",
  "config",
  "registry",
];
const chosen = Bun.argv.length > 2 ? Bun.argv.slice(2) : scripts;
const unknown = chosen.filter((s) => !scripts.includes(s));
if (unknown.length) {
  console.error(`unknown benchmark ${unknown.join(", ")}; choose from ${scripts.join(", ")}`);
  process.exit(2);
}

// An interrupt goes to the script running now, which removes its scratch database and vhost first.
let running: ReturnType<typeof Bun.spawn> | undefined;
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, async () => {
    running?.kill(signal);
    await running?.exited;
    process.exit(128 + (signal === "SIGINT" ? 2 : signal === "SIGTERM" ? 15 : 1));
  });
}

const failed: string[] = [];
for (const name of chosen) {
  const file = join(import.meta.dir, `${name}.ts`);
  if (!(await Bun.file(file).exists())) {
    console.log(`\n### ${name}: not written yet, skipped`);
    continue;
  }
  console.log(`\n### ${name}`);
  const proc = Bun.spawn(["bun", file], {
    stdout: "inherit",
    stderr: "inherit",
    cwd: join(import.meta.dir, ".."),
  });
  running = proc;
  if ((await proc.exited) !== 0) failed.push(name);
}
if (failed.length) {
  console.error(`\nfailed: ${failed.join(", ")}`);
  process.exit(1);
}
