import type { Logger } from "../log";
import type { ServiceInfo } from "./create-service";
import { type CheckResult, checkReadiness, type ReadinessCheck } from "./health";

/** What a service does once it is ready and before it stops (registration, consumers, relays). */
export interface Attachment {
  /** Called by `start()` before the server listens (loading config, opening subscriptions). */
  onStart?(service: ServiceInfo): Promise<void> | void;
  /** Called once the service is listening and its readiness checks pass. */
  onReady?(service: ServiceInfo): Promise<void> | void;
  /** Called first when stopping, before the server stops accepting (deregistration goes here). */
  onDrain?(): Promise<void> | void;
  /** Called while stopping, after in-flight requests drained, in reverse order of attachment. */
  onStop?(): Promise<void> | void;
}

export interface LifecycleOptions {
  /** The service's Elysia app, listened on by `start()`. */
  app: {
    listen(options: { port: number; hostname: string }): unknown;
    server: ReturnType<typeof Bun.serve> | null;
  };
  info: ServiceInfo;
  log: Logger;
  /** Live: checks and attachments added after creation count too. */
  checks: Map<string, ReadinessCheck>;
  attachments: Attachment[];
  checkTimeoutMs: number;
  shutdownTimeoutMs: number;
  port: number;
  host?: string;
}

/**
 * A service's start and stop: listen, then wait for readiness (backing off, logging what is down) and
 * run each attachment's `onReady`; on stop, turn readiness 503, drain attachments, stop accepting and
 * let in-flight requests finish up to `shutdownTimeoutMs`, then stop attachments in reverse.
 */
export function serviceLifecycle(options: LifecycleOptions) {
  const { app, info, log, checks, attachments, checkTimeoutMs, shutdownTimeoutMs } = options;
  let stopping: string | undefined;
  let server: ReturnType<typeof Bun.serve> | undefined;
  let readyLoop: Promise<void> | undefined;
  let readyResolve: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    readyResolve = resolve;
  });

  async function waitUntilReady(): Promise<void> {
    let delay = 100;
    let lastDown = "";
    while (!stopping) {
      const report = await checkReadiness(checks, checkTimeoutMs);
      if (report.status === "ready") break;
      const down = Object.entries(report.checks)
        .filter(([, r]: [string, CheckResult]) => r.status === "down")
        .map(([n, r]) => `${n}: ${r.error}`)
        .join("; ");
      if (down !== lastDown) log.warn("not ready yet", { down });
      lastDown = down;
      await Bun.sleep(delay);
      delay = Math.min(delay * 2, 2_000);
    }
    if (stopping) return;
    for (const a of attachments) await a.onReady?.(info);
    log.info("ready", { url: info.url });
    readyResolve();
  }

  return {
    /** Resolves once listening, ready, and every attachment's `onReady` has run. */
    ready,
    /** Why the service is stopping, once it is (readiness answers 503 from then on). */
    stopping: () => stopping,
    /** Starts listening, then registers once readiness passes (in the background). */
    async start(): Promise<ServiceInfo> {
      if (server) return info;
      for (const a of attachments) await a.onStart?.(info);
      app.listen({ port: options.port, hostname: options.host ?? "0.0.0.0" });
      server = app.server ?? undefined;
      log.info("listening", { port: options.port });
      readyLoop = waitUntilReady().catch((e) => log.error("failed to become ready", { error: e }));
      return info;
    },
    /**
     * Stops gracefully: readiness turns 503, attachments stop (deregistration first), the server
     * stops accepting and drains in-flight requests up to `shutdownTimeoutMs`, then closes.
     */
    async stop(reason = "shutdown"): Promise<void> {
      if (stopping) return;
      stopping = reason;
      log.info("stopping", { reason });
      await readyLoop;
      for (const a of attachments) {
        try {
          await a.onDrain?.();
        } catch (e) {
          log.warn("error while draining", { error: e });
        }
      }
      if (server) {
        const drained = server.stop(false).then(() => true);
        const timedOut = Bun.sleep(shutdownTimeoutMs).then(() => false);
        if (!(await Promise.race([drained, timedOut]))) {
          log.warn("in-flight requests did not finish in time; closing them", { shutdownTimeoutMs });
          await server.stop(true);
        }
      }
      for (const a of [...attachments].reverse()) {
        try {
          await a.onStop?.();
        } catch (e) {
          log.error("error while stopping", { error: e });
        }
      }
      log.info("stopped");
    },
  };
}
