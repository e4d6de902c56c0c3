/** A readiness check: resolves when the dependency answers, throws (or times out) when not. */
export type ReadinessCheck = (signal: AbortSignal) => Promise<unknown>;

export interface CheckResult {
  status: "up" | "down";
  durationMs: number;
  error?: string;
}

export interface ReadinessReport {
  status: "ready" | "not_ready";
  reason?: string;
  checks: Record<string, CheckResult>;
}

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<CheckResult> {
  const started = performance.now();
  const controller = new AbortController();
  let timer: Timer | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`timed out after ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    await Promise.race([check(controller.signal), timeout]);
    return { status: "up", durationMs: Math.round(performance.now() - started) };
  } catch (e) {
    return {
      status: "down",
      durationMs: Math.round(performance.now() - started),
      error: e instanceof Error ? e.message : String(e),
    };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs every check in parallel, each bounded by `timeoutMs`. */
export async function checkReadiness(
  checks: ReadonlyMap<string, ReadinessCheck>,
  timeoutMs: number,
  blocked?: string,
): Promise<ReadinessReport> {
  const entries = await Promise.all(
    [...checks].map(async ([name, c]) => [name, await runCheck(c, timeoutMs)] as const),
  );
  const results = Object.fromEntries(entries);
  if (blocked) return { status: "not_ready", reason: blocked, checks: results };
  const down = entries.some(([, r]) => r.status === "down");
  return down
    ? { status: "not_ready", reason: "a dependency is down", checks: results }
    : { status: "ready", checks: results };
}
