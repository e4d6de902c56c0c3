/** Whether a server a test needs is reachable. */
export interface ServerAvailability {
  available: boolean;
  /** Why it is not, e.g. `"Redis unreachable at 127.0.0.1:6379: Connection closed"`; use it as the skip reason. */
  reason?: string;
}

/** Options for {@link requireServer}. */
export interface RequireServerOptions {
  /** How long the probe may take. Defaults to 3 s. */
  timeoutMs?: number;
  /** When true an unavailable server throws instead of returning. Defaults to `process.env.CI === "true"`. */
  ci?: boolean;
}

/** Thrown in CI when a server a test needs is down: there a missing server is a failure, never a skip. */
export class ServerUnavailableError extends Error {
  override readonly name = "ServerUnavailableError";
  readonly code = "TEST_SERVER_UNAVAILABLE" as const;
  constructor(
    readonly server: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${reason} (CI=true: a missing server fails the run)`, options);
  }
}

/**
 * Probes a server a test file needs. Resolves `{ available: true }` when the probe resolves in time;
 * otherwise `{ available: false, reason }` for a named skip — or, in CI, throws {@link ServerUnavailableError}.
 *
 * @example
 * const redis = await requireServer("Redis at 127.0.0.1:6379", () => pingRedis(url));
 * runKvConformance({ name: "redis", create, skip: redis.reason });
 */
export async function requireServer(
  name: string,
  probe: () => Promise<unknown>,
  options: RequireServerOptions = {},
): Promise<ServerAvailability> {
  const timeoutMs = options.timeoutMs ?? 3_000;
  const ci = options.ci ?? process.env.CI === "true";
  let timer: Timer | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { available: true };
  } catch (error) {
    const reason = `${name} unreachable: ${error instanceof Error ? error.message : String(error)}`;
    if (ci) throw new ServerUnavailableError(name, reason, { cause: error });
    return { available: false, reason };
  } finally {
    clearTimeout(timer);
  }
}
