import { HttpError } from "./problem";

/** Deepest JSON nesting the kit parses. */
export const MAX_JSON_DEPTH = 64;

/** Whether `text` nests arrays and objects deeper than `limit` (one linear scan, before parsing). */
export function jsonDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > limit) return true;
    } else if (c === 93 || c === 125) depth--;
  }
  return false;
}

/**
 * Parses a JSON request body, refusing nesting deeper than `maxDepth` with 400 before `JSON.parse`
 * sees it. Answers `undefined` for an empty body so the framework's own rules for a missing body apply.
 */
export async function parseJsonBody(request: Request, maxDepth = MAX_JSON_DEPTH): Promise<unknown> {
  const text = await request.text();
  if (text === "") return undefined;
  if (jsonDeeperThan(text, maxDepth))
    throw new HttpError(400, "JSON_TOO_DEEP", `the JSON body nests deeper than ${maxDepth} levels`);
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, "MALFORMED_BODY", "the request body is not valid JSON");
  }
}

interface RouteLike {
  method: string;
  path: string;
  hooks?: { parse?: unknown };
}

const isNone = (p: unknown): boolean =>
  p === "none" || (Array.isArray(p) ? p.some(isNone) : (p as { fn?: unknown } | null)?.fn === "none");

/** Which routes read their body themselves (`parse: "none"`, e.g. a proxy). Rebuilt when routes are added. */
export function rawBodyRoutes(routes: () => readonly RouteLike[]) {
  let seen = -1;
  let raw = new Set<string>();
  return (method: string, route: string): boolean => {
    const list = routes();
    if (list.length !== seen) {
      raw = new Set(list.filter((r) => isNone(r.hooks?.parse)).map((r) => `${r.method} ${r.path}`));
      seen = list.length;
    }
    return raw.size > 0 && raw.has(`${method} ${route}`);
  };
}
