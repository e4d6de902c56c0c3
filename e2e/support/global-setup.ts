import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import {
  createDatabase,
  createVhost,
  deleteKeys,
  deleteVhost,
  dropDatabase,
  runId,
  unavailableInfra,
} from "./infra";
import { logDir, repoRoot } from "./paths";
import { type ProcessGroup, startGroup } from "./process-group";
import { waitForHealthy } from "./registry";
import {
  ALL_SERVICES,
  PORT_OFFSET,
  publishRunState,
  type RunState,
  registryUrl,
  serviceEnv,
} from "./run-env";

const say = (line: string) => process.stdout.write(`[e2e] ${line}\n`);

/** The line of the first-start banner that shows a generated admin password. */
const GENERATED_PASSWORD = /^\s*password:\s+(\S+)\s*$/;

/** kucoin is left out of the suite: the spec starts it alone, so that it can kill it. */
const SUITE_SERVICES = ALL_SERVICES.filter((n) => n !== "kucoin");

/**
 * Builds the console, creates a fresh database, key prefix and vhost, starts the suite on real infrastructure
 * (all but kucoin) and waits until the gateway lists those ten as healthy. Returns the teardown.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const missing = await unavailableInfra();
  if (missing) {
    if (process.env.CI === "true") throw new Error(`e2e needs Postgres, Redis and RabbitMQ: ${missing}`);
    say(`skipping: ${missing}`);
    publishRunState({
      databaseUrl: "",
      kvPrefix: "",
      amqpUrl: "",
      serviceToken: "",
      adminPassword: "",
      skipReason: missing,
    });
    return async () => {};
  }

  buildConsole();
  const id = runId();
  const cleanups: Array<[string, () => Promise<unknown>]> = [];
  const teardown = async () => {
    for (const [what, fn] of cleanups.reverse()) {
      try {
        await fn();
      } catch (e) {
        say(`teardown: ${what} failed: ${(e as Error).message}`);
      }
    }
  };

  try {
    const database = await createDatabase(id);
    cleanups.push([`drop database ${database.name}`, () => dropDatabase(database.name)]);
    const vhost = createVhost(id);
    cleanups.push([`delete vhost ${vhost.name}`, async () => deleteVhost(vhost.name)]);
    const state: RunState = {
      databaseUrl: database.url,
      kvPrefix: `diana-e2e-${id}:`,
      amqpUrl: vhost.url,
      serviceToken: randomBytes(24).toString("hex"),
      adminPassword: randomBytes(18).toString("base64url"),
    };
    cleanups.push([`delete keys ${state.kvPrefix}*`, () => deleteKeys(state.kvPrefix)]);

    const suite = startSuite(state);
    cleanups.push(["stop the suite", () => suite.stop("SIGTERM")]);
    // A line with "ready" that is not a JSON log line ("10 services ready in 0.3 s …").
    await suite.waitForLine(/^(?!\s*\{).*\bready\b/, 90_000);
    // A suite that ignores DIANA_ADMIN_PASSWORD generates one and prints it once, before "ready".
    const printed = (await suite.waitForLine(GENERATED_PASSWORD, 1).catch(() => undefined))?.match(
      GENERATED_PASSWORD,
    )?.[1];
    if (printed && printed !== state.adminPassword) {
      say(
        "the suite generated the admin password instead of taking DIANA_ADMIN_PASSWORD; using the printed one",
      );
      state.adminPassword = printed;
    }
    // Every service checks tokens: the health poll signs in as the admin, so it reads the run state.
    publishRunState(state);
    await waitForHealthy(SUITE_SERVICES, suite);
    say(
      `suite up: ${SUITE_SERVICES.length} services healthy; database ${database.name}, keys ${state.kvPrefix}*, vhost ${vhost.name}`,
    );
    publishRunState(state);
    return teardown;
  } catch (e) {
    await teardown();
    throw e;
  }
}

function buildConsole() {
  say("building the console…");
  const build = spawnSync("bun", ["run", "--cwd", "console", "build"], { cwd: repoRoot, encoding: "utf8" });
  if (build.status !== 0)
    throw new Error(`console build failed (${build.status}):\n${build.stdout}\n${build.stderr}`);
}

function startSuite(state: RunState): ProcessGroup {
  const logFile = join(logDir(), "suite.log");
  say(`starting the suite (log: ${logFile})…`);
  return startGroup(
    "suite",
    "bun",
    ["run", "apps/suite/src/main.ts", "--infra", "local", "--except", "kucoin"],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        ...serviceEnv(state),
        DIANA_PORT_OFFSET: String(PORT_OFFSET),
        REGISTRY_URL: registryUrl,
      },
      logFile,
    },
  );
}
