import { join } from "node:path";
import { test as base } from "@playwright/test";
import { logDir, repoRoot } from "./paths";
import { type ProcessGroup, startGroup } from "./process-group";
import { waitForHealthy } from "./registry";
import { ALL_SERVICES, kucoinPort, readRunState, registryUrl, serviceEnv } from "./run-env";

/**
 * `kucoin`: the kucoin service running alone as its own process (the suite leaves it out), started
 * before the test and waited on until the gateway lists all eleven services healthy. The test may kill it.
 */
export const test = base.extend<{ kucoin: ProcessGroup }>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern.
  kucoin: async ({}, use, testInfo) => {
    const state = readRunState();
    const logFile = join(logDir(), "kucoin.log");
    const kucoin = startGroup("kucoin", "bun", ["run", "services/kucoin/src/main.ts"], {
      cwd: repoRoot,
      env: { ...process.env, ...serviceEnv(state), PORT: String(kucoinPort), REGISTRY_URL: registryUrl },
      logFile,
    });
    try {
      await waitForHealthy(ALL_SERVICES, kucoin);
      await use(kucoin);
    } finally {
      await kucoin.stop("SIGTERM", 5_000);
      await testInfo.attach("kucoin.log", { path: logFile, contentType: "text/plain" });
      await testInfo.attach("suite.log", { path: join(logDir(), "suite.log"), contentType: "text/plain" });
    }
  },
});

export { expect } from "@playwright/test";
