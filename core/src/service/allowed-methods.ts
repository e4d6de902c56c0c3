interface RouteLike {
  method: string;
  path: string;
}

const escapeRegex = (s: string) => s.replace(/[.+^${}()|[\]\\]/g, "\\$&");

/** An Elysia path template as a regular expression: `:id` one segment, `:id?` an optional one, `*` the rest. */
function templateRegex(path: string): RegExp {
  const source = path
    .split("/")
    .map((segment) => {
      if (segment === "*") return ".*";
      if (segment.startsWith(":")) return segment.endsWith("?") ? "?[^/]*" : "[^/]+";
      return escapeRegex(segment);
    })
    .join("/");
  return new RegExp(`^${source}/?$`);
}

/**
 * The methods some route answers for a path, for `405 Method Not Allowed` and its `Allow` header.
 * Rebuilt when routes are added.
 */
export function allowedMethods(routes: () => readonly RouteLike[]) {
  let seen = -1;
  let table: Array<{ method: string; regex: RegExp }> = [];
  return (path: string): string[] => {
    const list = routes();
    if (list.length !== seen) {
      // A root catch-all (the gateway's console fallback) does not make every path a known one.
      table = list
        .filter((r) => r.method !== "ALL" && r.method !== "WS" && r.path !== "/*")
        .map((r) => ({ method: r.method, regex: templateRegex(r.path) }));
      seen = list.length;
    }
    const methods = new Set<string>();
    for (const { method, regex } of table) if (regex.test(path)) methods.add(method);
    if (methods.has("GET")) methods.add("HEAD");
    return [...methods].sort();
  };
}
