import { fileURLToPath } from "node:url";

const consoleRoot = fileURLToPath(new URL("../../../console", import.meta.url));

/** The built console, building it first when this checkout has never built it. */
export async function ensureConsoleBuilt(write: (line: string) => void): Promise<string> {
  const dist = `${consoleRoot}/dist`;
  if (await Bun.file(`${dist}/index.html`).exists()) return dist;
  write("building the console (first run only)…");
  const build = Bun.spawn(["bun", "run", "build"], { cwd: consoleRoot, stdout: "ignore", stderr: "pipe" });
  if ((await build.exited) !== 0) {
    throw new Error(`the console build failed:\n${await new Response(build.stderr).text()}`);
  }
  return dist;
}
