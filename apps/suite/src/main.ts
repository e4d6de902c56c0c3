import { readEnv, serviceEnv } from "@diana/core/config";
import { createLogger } from "@diana/core/log";
import { runMain } from "@diana/core/service";
import { Type } from "@sinclair/typebox";
import { parseSuiteArgs, USAGE, UsageError } from "./args";
import { serviceNames } from "./catalogue";
import { ensureConsoleBuilt } from "./console-build";
import { launchSuite } from "./launch";
import { ensureLocalDatabase, LOCAL_AMQP_URL, LOCAL_DATABASE_URL, LOCAL_REDIS_URL } from "./local-infra";
import { readyTable } from "./table";

const suiteEnv = Type.Composite([
  serviceEnv,
  Type.Object({
    DIANA_PORT_OFFSET: Type.Integer({ minimum: 0, maximum: 50_000, default: 0 }),
    DIANA_ADMIN_PASSWORD: Type.Optional(Type.String({ minLength: 12 })),
  }),
]);

const say = (line: string) => process.stdout.write(`${line}\n`);

runMain(async () => {
  let args: ReturnType<typeof parseSuiteArgs>;
  try {
    args = parseSuiteArgs(Bun.argv.slice(2), serviceNames);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`${e.message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  if (args.help) {
    say(USAGE);
    return;
  }
  const source = { ...process.env };
  // One process, one secret: the services only need to agree with each other.
  source.SERVICE_TOKEN ??= `${crypto.randomUUID()}${crypto.randomUUID()}`.replaceAll("-", "");
  source.LOG_LEVEL ??= "warn";
  if (args.infra === "local") {
    source.DATABASE_URL ??= LOCAL_DATABASE_URL;
    source.REDIS_URL ??= LOCAL_REDIS_URL;
    source.AMQP_URL ??= LOCAL_AMQP_URL;
  }
  const env = readEnv(suiteEnv, source);
  const logger = createLogger({ level: env.LOG_LEVEL });
  if (env.DATABASE_URL) await ensureLocalDatabase(env.DATABASE_URL, say);

  const names = serviceNames.filter((n) => (!args.only || args.only.includes(n)) && !args.except.includes(n));
  const consoleDir = names.includes("gateway") ? await ensureConsoleBuilt(say) : undefined;
  say(
    `starting ${names.length} services on ${env.DATABASE_URL || env.REDIS_URL || env.AMQP_URL ? "real" : "embedded"} infrastructure…`,
  );
  const suite = await launchSuite({
    env,
    logger,
    portOffset: env.DIANA_PORT_OFFSET,
    names,
    consoleDir,
    adminPassword: env.DIANA_ADMIN_PASSWORD,
    // Set explicitly, REGISTRY_URL points the suite at a registry elsewhere; else it uses its own.
    registryUrl: process.env.REGISTRY_URL,
    onReady: (info, ms) => say(`  ✓ ${info.name.padEnd(13)} ${Math.round(ms)} ms`),
  });
  const gateway = suite.services.find((s) => s.name === "gateway");
  say(readyTable(suite.services, suite.startupMs, gateway && `${gateway.url}/`));

  let stopping = false;
  const onSignal = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    say(`\n${signal}: stopping…`);
    suite.stop(signal).then(
      () => {
        say("stopped.");
        process.exit(0);
      },
      (e) => {
        logger.error("stop failed", { error: e });
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => onSignal("SIGINT"));
  process.on("SIGTERM", () => onSignal("SIGTERM"));
});
