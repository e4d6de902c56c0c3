import { expect } from "bun:test";
import type { ServiceInfo } from "@diana/core/service";
import { json } from "@diana/core/testing";
import { validate } from "@readme/openapi-parser";
import parsePrometheusTextFormat from "parse-prometheus-text-format";

/** Fetches the service's OpenAPI document and validates it with a third-party OpenAPI 3.1 validator. */
export async function expectValidOpenApi(service: ServiceInfo): Promise<void> {
  const doc = await json(fetch(`${service.url}/openapi`));
  expect(doc.openapi).toStartWith("3.1");
  const result = await validate(structuredClone(doc));
  if (!result.valid)
    throw new Error(`${service.name}/openapi is invalid: ${JSON.stringify(result.errors).slice(0, 2000)}`);
  for (const path of ["/health/live", "/health/ready", "/metrics", "/ops/info"])
    expect(doc.paths).toHaveProperty(path);
}

/** Fetches `/metrics`, parses it as Prometheus text, and checks every series is `diana_*` with the service label. */
export async function expectPrometheusMetrics(service: ServiceInfo): Promise<void> {
  const res = await fetch(`${service.url}/metrics`);
  expect(res.headers.get("content-type")).toContain("text/plain");
  const text = await res.text();
  const families = parsePrometheusTextFormat(text);
  expect(families.length).toBeGreaterThan(10);
  for (const family of families) expect(family.name).toStartWith("diana_");
  // The parser drops histogram labels, so the label check reads the sample lines themselves.
  const samples = text.split("\n").filter((l) => l && !l.startsWith("#"));
  expect(samples.length).toBeGreaterThan(10);
  for (const line of samples) expect(line).toContain(`service="${service.name}"`);
  expect(families.map((f) => f.name)).toContain("diana_http_server_request_duration_seconds");
}
