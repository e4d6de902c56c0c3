import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

/** Where the suite's and the services' output goes (kept after the run; *.log is git-ignored). */
export function logDir(): string {
  const dir = fileURLToPath(new URL("../.run", import.meta.url));
  mkdirSync(dir, { recursive: true });
  return dir;
}
