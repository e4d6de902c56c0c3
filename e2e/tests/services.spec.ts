import { keepScreenshot, signIn } from "../support/console";
import { expect, test } from "../support/fixtures";
import { ALL_SERVICES, INSTANCE_TTL_MS, readRunState } from "../support/run-env";

/** Heartbeat TTL plus one console poll (2 s) and slack for the registry's expiry. */
const UNHEALTHY_WITHIN_MS = INSTANCE_TTL_MS + 4_000;

const skipReason = readRunState().skipReason;
test.skip(Boolean(skipReason), skipReason);

test("the console shows all eleven services healthy, and a killed one turns unhealthy within its TTL", async ({
  page,
  kucoin,
}, testInfo) => {
  await signIn(page);
  await expect(page).toHaveURL(/\/services$/);
  await expect(page.getByRole("heading", { name: "Services" })).toBeVisible();
  await expect(page.getByRole("table", { name: "Services in the registry" })).toBeVisible();

  await expect(page.getByTestId(/^service-/)).toHaveCount(ALL_SERVICES.length);
  for (const name of ALL_SERVICES) {
    await expect(page.getByTestId(`status-${name}`), name).toHaveText("healthy");
  }

  const kucoinRow = page.getByTestId("service-kucoin");
  await kucoinRow.getByRole("button", { name: "kucoin" }).click();
  const kucoinInstances = page.getByTestId("instances-kucoin");
  await expect(kucoinInstances.getByRole("row")).toHaveCount(2);
  await expect(kucoinInstances.getByRole("cell", { name: "passing" })).toBeVisible();
  await keepScreenshot(page, testInfo, "console-all-healthy");

  await kucoin.stop("SIGKILL");
  const killedAt = Date.now();

  await expect(page.getByTestId("status-kucoin")).toHaveText("unhealthy", { timeout: UNHEALTHY_WITHIN_MS });
  const tookMs = Date.now() - killedAt;
  testInfo.annotations.push({
    type: "kucoin unhealthy after",
    description: `${tookMs} ms (TTL ${INSTANCE_TTL_MS} ms)`,
  });
  await expect(kucoinRow.getByRole("cell", { name: "0 / 1" })).toBeVisible();
  await expect(kucoinInstances.getByRole("cell", { name: "critical" })).toBeVisible();

  for (const name of ALL_SERVICES.filter((n) => n !== "kucoin")) {
    await expect(page.getByTestId(`status-${name}`), `${name} stays healthy`).toHaveText("healthy", {
      timeout: 0,
    });
  }
  await expect(page.getByRole("alert")).toHaveCount(0);
  await keepScreenshot(page, testInfo, "console-kucoin-unhealthy");
});
