import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServiceTokenSigner } from "@diana/core/auth";
import { readEnv, serviceEnv } from "@diana/core/config";
import { silentLogger } from "@diana/core/log";
import { json, waitFor } from "@diana/core/testing";
import { serviceNames } from "../src/catalogue";
import { launchSuite, type RunningSuite } from "../src/launch";
import { freeOffset } from "./free-offset";

// `bun start` with no settings: one PGlite, the in-memory key-value store, nothing to install.
let dataDir: string;
let suite: RunningSuite;
const portOffset = freeOffset();
const serviceToken = `${crypto.randomUUID()}${crypto.randomUUID()}`;
const tokens = createServiceTokenSigner({ secret: serviceToken, subject: "test" });
/** Reads need a viewer; a service token is one. */
const viewer = async () => ({ authorization: `Bearer ${await tokens.token()}` });

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "diana-embedded-"));
  const env = readEnv(serviceEnv, {
    DIANA_DATA_DIR: dataDir,
    SERVICE_TOKEN: serviceToken,
    HEARTBEAT_INTERVAL_MS: "500",
    SHUTDOWN_TIMEOUT_MS: "2000",
  });
  suite = await launchSuite({
    env,
    logger: silentLogger,
    portOffset,
    registryUrl: `http://127.0.0.1:${8021 + portOffset}`,
    adminPassword: `pw-${crypto.randomUUID()}`,
  });
}, 60_000);

afterAll(async () => {
  await suite?.stop("test done");
  await rm(dataDir, { recursive: true, force: true });
}, 30_000);

test("brings all eleven services to ready on embedded infrastructure", async () => {
  expect(suite.infra).toBe("embedded");
  expect(suite.services.map((s) => s.name).sort()).toEqual([...serviceNames].sort());
  const gateway = `http://127.0.0.1:${8080 + portOffset}`;
  const instances = await waitFor(async () => {
    const body = await json(fetch(`${gateway}/api/registry/instances`, { headers: await viewer() }));
    return (
      body.instances.filter((i: { status: string }) => i.status === "passing").length === 11 && body.instances
    );
  });
  for (const i of instances) expect(i.infra).toBe("embedded");
  const ready = await json(fetch(`${gateway}/api/trading/health/ready`));
  expect(ready.checks.database.status).toBe("up");
});
