import { parseArgs } from "node:util";

export interface SuiteArgs {
  infra: "embedded" | "local";
  only?: string[];
  except: string[];
  help: boolean;
}

export const USAGE = `Usage: bun start [--infra embedded|local] [--only a,b] [--except a,b]

  --infra embedded  PGlite and an in-memory key-value store, nothing to install (default)
  --infra local     Postgres and Redis on their usual 127.0.0.1 ports
                    (DATABASE_URL and REDIS_URL, when set, always win)
  --only a,b        start only these services
  --except a,b      start every service but these

Environment: DIANA_PORT_OFFSET (added to every default port), SERVICE_TOKEN (generated when unset),
DIANA_ADMIN_PASSWORD (the first admin's; generated and printed once when unset),
LOG_LEVEL (default warn), INSTANCE_TTL_MS, HEARTBEAT_INTERVAL_MS, DIANA_DATA_DIR, DIANA_KV_PREFIX.`;

/** Thrown for a command line the suite does not understand. */
export class UsageError extends Error {
  override readonly name = "UsageError";
  readonly code = "USAGE" as const;
}

const list = (value: string | undefined) =>
  value
    ? value
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;

export function parseSuiteArgs(argv: string[], known: readonly string[]): SuiteArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { infra = "embedded", only, except, help = false } = parsed.values;
  if (infra !== "embedded" && infra !== "local")
    throw new UsageError(`--infra must be embedded or local, not "${infra}"`);
  const names = [...(list(only) ?? []), ...(list(except) ?? [])];
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length)
    throw new UsageError(`unknown service ${unknown.join(", ")}; the services are ${known.join(", ")}`);
  return { infra, only: list(only), except: list(except) ?? [], help };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      infra: { type: "string" },
      only: { type: "string" },
      except: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
    allowPositionals: false,
  });
}
