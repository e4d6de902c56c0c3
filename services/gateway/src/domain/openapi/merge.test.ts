import { describe, expect, test } from "bun:test";
import { mergeOpenApi, type OpenApiDocument, operationIdOf } from "./merge";

const scheme = { type: "http", scheme: "bearer" };
const doc = (over: Partial<OpenApiDocument>): OpenApiDocument => ({
  openapi: "3.1.0",
  info: { title: "x", version: "1" },
  ...over,
});
const orderRef = { $ref: "#/components/schemas/Order" };

describe("mergeOpenApi", () => {
  const merged = mergeOpenApi(
    [
      {
        service: "gateway",
        prefix: "",
        document: doc({
          paths: { "/auth/login": { post: { tags: ["auth"], security: [] } } },
          components: { securitySchemes: { bearerAuth: scheme } },
        }),
      },
      {
        service: "trading",
        prefix: "/api/trading",
        document: doc({
          paths: {
            "/orders/{id}": {
              get: {
                tags: ["orders"],
                security: [{ bearerAuth: [] }],
                responses: { 200: { content: { "application/json": { schema: orderRef } } } },
              },
            },
          },
          components: { schemas: { Order: { type: "object" } }, securitySchemes: { bearerAuth: scheme } },
        }),
      },
      {
        service: "kucoin",
        prefix: "/api/kucoin",
        document: doc({
          security: [{ bearerAuth: [] }],
          paths: {
            "/": { get: { operationId: "root", responses: { 200: { $ref: "#/components/responses/Ok" } } } },
          },
          components: {
            schemas: { Order: { type: "string" } },
            responses: { Ok: { description: "ok", content: { "application/json": { schema: orderRef } } } },
            securitySchemes: { bearerAuth: { ...scheme, bearerFormat: "other" } },
          },
        }),
      },
    ],
    { title: "Diana API", version: "1" },
  );

  test("prefixes paths, operation ids and tags with the service", () => {
    expect(Object.keys(merged.paths).sort()).toEqual([
      "/api/kucoin",
      "/api/trading/orders/{id}",
      "/auth/login",
    ]);
    const order = merged.paths["/api/trading/orders/{id}"]!.get as Record<string, unknown>;
    expect(order.operationId).toBe("trading.getOrdersById");
    expect(order.tags).toEqual(["trading/orders"]);
    expect((merged.paths["/api/kucoin"]!.get as Record<string, unknown>).operationId).toBe("kucoin.root");
    expect((merged.paths["/api/kucoin"]!.get as Record<string, unknown>).tags).toEqual(["kucoin"]);
  });

  test("renames components per service with their references, so equal names do not collide", () => {
    expect(merged.components!.schemas).toEqual({
      "trading.Order": { type: "object" },
      "kucoin.Order": { type: "string" },
    });
    const order = merged.paths["/api/trading/orders/{id}"]!.get as { responses: Record<string, unknown> };
    expect(JSON.stringify(order.responses)).toContain("#/components/schemas/trading.Order");
    expect(JSON.stringify(merged.components!.responses)).toContain("#/components/schemas/kucoin.Order");
  });

  test("shares identical security schemes and renames a differing one, and operations inherit their document's security", () => {
    expect(Object.keys(merged.components!.securitySchemes!).sort()).toEqual([
      "bearerAuth",
      "kucoin.bearerAuth",
    ]);
    expect((merged.paths["/api/kucoin"]!.get as Record<string, unknown>).security).toEqual([
      { "kucoin.bearerAuth": [] },
    ]);
    expect((merged.paths["/auth/login"]!.post as Record<string, unknown>).security).toEqual([]);
  });

  test("refuses two documents declaring the same path", () => {
    const part = { service: "a", prefix: "", document: doc({ paths: { "/x": { get: {} } } }) };
    expect(() => mergeOpenApi([part, { ...part, service: "b" }], { title: "t", version: "1" })).toThrow(
      "two documents declare /x",
    );
  });

  test("operation ids read the path", () => {
    expect(operationIdOf("post", "/namespaces/{ns}/releases")).toBe("postNamespacesByNsReleases");
    expect(operationIdOf("get", "/")).toBe("getRoot");
    expect(operationIdOf("get", "/health/live")).toBe("getHealthLive");
  });
});
