/** An OpenAPI 3.1 document, as far as merging needs to know it. */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  paths?: Record<string, Record<string, unknown>>;
  components?: Record<string, Record<string, unknown>>;
  tags?: Array<{ name: string; description?: string }>;
  security?: Array<Record<string, string[]>>;
  [extension: string]: unknown;
}

/** One service's document and where the gateway serves it. */
export interface DocumentPart {
  service: string;
  /** `/api/<service>` for a proxied service; `""` for the gateway's own routes. */
  prefix: string;
  document: OpenApiDocument;
}

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

const words = (path: string) =>
  path
    .split("/")
    .filter(Boolean)
    .map((segment) => {
      const param = /^\{(.+)\}$/.exec(segment);
      const word = (param ? `by-${param[1]}` : segment).replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string) =>
        c ? c.toUpperCase() : "",
      );
      return word.charAt(0).toUpperCase() + word.slice(1);
    })
    .join("");

/** `getOpsInfo`, `postNamespacesByNsReleases`: an operation id from method and path when a document has none. */
export const operationIdOf = (method: string, path: string) => `${method}${words(path) || "Root"}`;

/** Rewrites every `$ref` into `#/components/...` through `rename`, in place. */
function rewriteRefs(node: unknown, rename: (type: string, name: string) => string): void {
  if (Array.isArray(node)) {
    for (const item of node) rewriteRefs(item, rename);
    return;
  }
  if (!node || typeof node !== "object") return;
  const record = node as Record<string, unknown>;
  for (const [key, value] of Object.entries(record)) {
    if (key === "$ref" && typeof value === "string") {
      const m = /^#\/components\/([^/]+)\/(.+)$/.exec(value);
      if (m) record[key] = `#/components/${m[1]}/${rename(m[1]!, m[2]!)}`;
    } else rewriteRefs(value, rename);
  }
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Combines each service's document under its prefix: paths prefixed, operation ids and tags
 * prefixed with the service (`trading.getOpsInfo`, `trading/ops`), components renamed
 * `<service>.<name>` with their references, security schemes shared when identical and renamed
 * when not. Operations keep their own `security`; one without inherits its document's.
 */
export function mergeOpenApi(
  parts: readonly DocumentPart[],
  info: OpenApiDocument["info"],
): OpenApiDocument & { paths: Record<string, Record<string, unknown>> } {
  const paths: Record<string, Record<string, unknown>> = {};
  const components: Record<string, Record<string, unknown>> = {};
  const tags = new Map<string, { name: string; description?: string }>();

  for (const part of parts) {
    const doc = structuredClone(part.document);
    const { service } = part;
    const schemeNames = new Map<string, string>();
    for (const [name, scheme] of Object.entries(doc.components?.securitySchemes ?? {})) {
      const shared = components.securitySchemes?.[name];
      schemeNames.set(name, shared === undefined || same(shared, scheme) ? name : `${service}.${name}`);
    }
    const rename = (type: string, name: string) =>
      type === "securitySchemes" ? (schemeNames.get(name) ?? name) : `${service}.${name}`;
    rewriteRefs(doc.paths, rename);
    rewriteRefs(doc.components, rename);
    for (const [type, entries] of Object.entries(doc.components ?? {})) {
      components[type] ??= {};
      for (const [name, value] of Object.entries(entries)) components[type]![rename(type, name)] = value;
    }
    const requirements = (security: OpenApiDocument["security"]) =>
      security?.map((r) =>
        Object.fromEntries(Object.entries(r).map(([k, v]) => [schemeNames.get(k) ?? k, v])),
      );
    const tagOf = (tag: string) => `${service}/${tag}`;
    for (const tag of doc.tags ?? []) tags.set(tagOf(tag.name), { ...tag, name: tagOf(tag.name) });

    for (const [path, item] of Object.entries(doc.paths ?? {})) {
      const target = `${part.prefix}${path === "/" && part.prefix ? "" : path}`;
      if (paths[target]) throw new Error(`two documents declare ${target}`);
      for (const method of METHODS) {
        const op = item[method] as Record<string, unknown> | undefined;
        if (!op) continue;
        op.operationId = `${service}.${(op.operationId as string | undefined) ?? operationIdOf(method, path)}`;
        const own = (op.tags as string[] | undefined) ?? [];
        op.tags = own.length ? own.map(tagOf) : [service];
        for (const tag of op.tags as string[]) if (!tags.has(tag)) tags.set(tag, { name: tag });
        op.security = requirements((op.security as OpenApiDocument["security"]) ?? doc.security);
        if (op.security === undefined) delete op.security;
      }
      paths[target] = item;
    }
  }

  return {
    openapi: "3.1.0",
    info,
    paths,
    components,
    tags: [...tags.values()].sort((a, b) => a.name.localeCompare(b.name)),
  };
}
