import { resolve, sep } from "node:path";
import { HttpError } from "@diana/core/service";
import { Elysia } from "elysia";

/**
 * Serves the built console from `dir`: files by path, anything else falls back to `index.html` (the
 * console routes on the client). Hashed assets are cached for a year; `index.html` never is.
 */
export function consoleRoutes(dir: string) {
  const root = resolve(dir);
  const index = Bun.file(`${root}/index.html`);

  const serve = async ({ path }: { path: string }) => {
    if (!(await index.exists())) {
      throw new HttpError(
        503,
        "CONSOLE_NOT_BUILT",
        `the console is not built in ${root}; run \`bun run build\``,
      );
    }
    const target = resolve(root, `.${decodeURIComponent(path)}`);
    if (target.startsWith(root + sep) && !target.endsWith(sep)) {
      const file = Bun.file(target);
      if (await file.exists()) {
        const immutable = target.startsWith(`${root}${sep}assets${sep}`);
        return new Response(file, {
          headers: { "cache-control": immutable ? "public, max-age=31536000, immutable" : "no-cache" },
        });
      }
    }
    return new Response(index, {
      headers: { "cache-control": "no-cache", "content-type": "text/html; charset=utf-8" },
    });
  };

  const hidden = { detail: { hide: true } };
  return new Elysia({ name: "gateway:console" }).get("/", serve, hidden).get("/*", serve, hidden);
}
