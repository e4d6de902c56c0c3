import { withRole } from "@diana/core/auth";
import type { HttpClient } from "@diana/core/http";
import { Elysia, t } from "elysia";
import { type DocumentPart, mergeOpenApi, type OpenApiDocument } from "../domain/openapi/merge";

export interface MergedDocsOptions {
  client: HttpClient;
  /** The live services whose documents are merged (the gateway's own is always in). */
  services: () => Promise<readonly string[]>;
  /** The gateway's own document (its `/openapi`). */
  own: () => Promise<OpenApiDocument>;
  version: string;
  /** How long a merged document is served before it is built again. Defaults to 10 s. */
  cacheMs?: number;
  now?: () => number;
}

/** The gateway's own paths that stand for other services' APIs, or for the console. */
const NOT_OWN = /^\/($|\*|api\/)/;

const docsPage = (specUrl: string) => `<!doctype html>
<html>
  <head>
    <title>Diana API</title>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
  </head>
  <body>
    <script id="api-reference" data-url="${specUrl}"></script>
    <script src="https://cdn.jsdelivr.net/npm/@scalar/api-reference/dist/browser/standalone.min.js" crossorigin></script>
  </body>
</html>`;

/**
 * `/api/openapi`: one OpenAPI document combining every live service's `/openapi` under its
 * `/api/<service>` prefix and the gateway's own routes; `/api/docs`: a docs UI for it. Services whose
 * document could not be fetched are named in `x-unavailable`.
 */
export function mergedDocsRoutes(o: MergedDocsOptions) {
  const cacheMs = o.cacheMs ?? 10_000;
  const now = o.now ?? Date.now;
  let cached: { at: number; doc: Promise<OpenApiDocument> } | undefined;

  const fetchPart = async (service: string): Promise<DocumentPart> => {
    const res = await o.client.request(service, "/openapi", { method: "GET" });
    if (!res.ok) throw new Error(`/openapi answered ${res.status}`);
    return { service, prefix: `/api/${service}`, document: (await res.json()) as OpenApiDocument };
  };

  const build = async (): Promise<OpenApiDocument> => {
    const own = await o.own();
    own.paths = Object.fromEntries(Object.entries(own.paths ?? {}).filter(([p]) => !NOT_OWN.test(p)));
    const names = [...new Set(await o.services())].filter((s) => s !== "gateway").sort();
    const fetched = await Promise.allSettled(names.map(fetchPart));
    const parts: DocumentPart[] = [{ service: "gateway", prefix: "", document: own }];
    const unavailable: Record<string, string> = {};
    fetched.forEach((r, i) => {
      if (r.status === "fulfilled") parts.push(r.value);
      else unavailable[names[i]!] = String((r.reason as Error)?.message ?? r.reason);
    });
    return {
      ...mergeOpenApi(parts, {
        title: "Diana API",
        version: o.version,
        description:
          "Every live service's API under `/api/<service>`, and the gateway's own routes. Each operation's `x-role` names the least role it needs.",
      }),
      "x-unavailable": unavailable,
    };
  };

  return new Elysia({ name: "gateway:merged-docs" })
    .get(
      "/api/openapi",
      async () => {
        if (!cached || now() - cached.at > cacheMs) {
          const doc = build();
          cached = { at: now(), doc };
          doc.catch(() => {
            if (cached?.doc === doc) cached = undefined;
          });
        }
        return cached.doc;
      },
      {
        response: t.Record(t.String(), t.Unknown()),
        detail: withRole("public", {
          tags: ["docs"],
          summary: "One OpenAPI document for every live service under /api/<service>, and the gateway",
        }),
      },
    )
    .get(
      "/api/docs",
      () =>
        new Response(docsPage("/api/openapi"), { headers: { "content-type": "text/html; charset=utf-8" } }),
      { detail: withRole("public", { tags: ["docs"], summary: "The docs UI of the merged document" }) },
    );
}
