/**
 * Regenerates the migrations of every service (or those named on the command line) with drizzle-kit:
 * `bun run --cwd db generate [service…]`. Each service gets its own folder, `drizzle/<service>/`.
 */

import { join } from "node:path";
import { Glob } from "bun";
import { isServiceName, serviceNames } from "../src/services";

const root = join(import.meta.dir, "..");
const requested = process.argv.slice(2);
const unknown = requested.filter((s) => !isServiceName(s));
if (unknown.length > 0) {
  console.error(`unknown service(s): ${unknown.join(", ")}; expected one of ${serviceNames.join(", ")}`);
  process.exit(2);
}

for (const service of requested.length > 0 ? requested : serviceNames) {
  const out = join("drizzle", service);
  const args = [
    "drizzle-kit",
    "generate",
    "--dialect=postgresql",
    `--schema=src/schema/${service}.ts`,
    `--out=${out}`,
  ];
  const proc = Bun.spawnSync(["bun", "x", ...args], { cwd: root, stdout: "inherit", stderr: "inherit" });
  if (proc.exitCode !== 0) process.exit(proc.exitCode ?? 1);

  // The migrator creates the schema to hold its history table before it runs the first migration.
  for (const file of new Glob("*.sql").scanSync(join(root, out))) {
    const path = join(root, out, file);
    const text = await Bun.file(path).text();
    const fixed = text.replace(/CREATE SCHEMA (?!IF NOT EXISTS)/g, "CREATE SCHEMA IF NOT EXISTS ");
    if (fixed !== text) await Bun.write(path, fixed);
  }
}
