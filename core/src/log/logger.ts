export const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export type LogFields = Record<string, unknown>;

/** A structured JSON logger. Each line carries the bound fields (service, request id, …). */
export interface Logger {
  readonly level: LogLevel;
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger whose every line also carries `fields`. */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  /** Lines below this level are dropped. Defaults to `info`. */
  level?: LogLevel;
  /** Fields on every line. */
  fields?: LogFields;
  /** Where lines go. Defaults to stdout. */
  write?: (line: string) => void;
  /** Clock for the `time` field. Defaults to `Date.now`. */
  now?: () => number;
}

const stdout = (line: string) => process.stdout.write(`${line}\n`);

function serialise(value: unknown): unknown {
  if (value instanceof Error) {
    return { name: value.name, message: value.message, code: (value as { code?: unknown }).code };
  }
  return value;
}

/**
 * Creates a JSON-lines logger.
 *
 * @example
 * const log = createLogger({ level: "info", fields: { service: "trading" } });
 * log.child({ requestId }).info("order placed", { orderId });
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? "info";
  const write = options.write ?? stdout;
  const now = options.now ?? Date.now;
  const bound = options.fields ?? {};
  const threshold = rank[level];

  const emit = (lvl: Exclude<LogLevel, "silent">, msg: string, fields?: LogFields) => {
    if (rank[lvl] < threshold) return;
    const line: LogFields = { time: new Date(now()).toISOString(), level: lvl, msg, ...bound };
    if (fields) for (const [k, v] of Object.entries(fields)) line[k] = serialise(v);
    write(JSON.stringify(line));
  };

  return {
    level,
    debug: (msg, fields) => emit("debug", msg, fields),
    info: (msg, fields) => emit("info", msg, fields),
    warn: (msg, fields) => emit("warn", msg, fields),
    error: (msg, fields) => emit("error", msg, fields),
    child: (fields) => createLogger({ level, write, now, fields: { ...bound, ...fields } }),
  };
}

/**
 * `parent.child(fields)`, built only when first used: a request that never logs pays one small
 * object instead of a logger.
 */
class LazyChild implements Logger {
  #child: Logger | undefined;
  constructor(
    private readonly parent: Logger,
    private readonly fields: LogFields,
  ) {}
  get level(): LogLevel {
    return this.parent.level;
  }
  private get log(): Logger {
    if (!this.#child) this.#child = this.parent.child(this.fields);
    return this.#child;
  }
  debug(msg: string, fields?: LogFields): void {
    this.log.debug(msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    this.log.info(msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    this.log.warn(msg, fields);
  }
  error(msg: string, fields?: LogFields): void {
    this.log.error(msg, fields);
  }
  child(fields: LogFields): Logger {
    return this.log.child(fields);
  }
}

/** A child of `parent` carrying `fields`, created on first use (per-request loggers). */
export function lazyChild(parent: Logger, fields: LogFields): Logger {
  return new LazyChild(parent, fields);
}

/** A logger that drops everything (tests, benchmarks). */
export const silentLogger: Logger = createLogger({ level: "silent" });
