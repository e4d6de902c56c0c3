// Named to run after services.spec.ts (Playwright runs files in name order, one at a time): this spec
// starts kucoin through the fixture too, and services.spec.ts counts kucoin's instances in the registry,
// where a kucoin stopped here would stay listed as "left".
import { keepScreenshot, openPage, signIn } from "../support/console";
import { expect, test } from "../support/fixtures";
import { ALL_SERVICES, readRunState } from "../support/run-env";

const skipReason = readRunState().skipReason;
test.skip(Boolean(skipReason), skipReason);

test("the Messaging page lists all eleven services with an empty outbox backlog", async ({
  page,
  kucoin: _kucoin,
}, testInfo) => {
  await signIn(page);
  await openPage(page, "Messaging");

  await expect(page.getByTestId(/^messaging-/)).toHaveCount(ALL_SERVICES.length);
  for (const name of ALL_SERVICES) {
    const panel = page.getByTestId(`messaging-${name}`);
    // kucoin runs on its own (the fixture); its main.ts gives the kit its database like the suite does.
    await expect(panel.getByTestId("outbox-backlog"), name).toHaveText("0");
    // Every service shows its queues, or says it consumes nothing yet.
    await expect(panel.getByRole("table").or(panel.getByTestId("no-consumers")).first(), name).toBeVisible();
  }
  await expect(page.getByRole("alert")).toHaveCount(0);
  await keepScreenshot(page, testInfo, "messaging");
});

test("an operator publishes a trading release, sees trading's instance run it and the monitor journal it", async ({
  page,
}, testInfo) => {
  await signIn(page);
  await openPage(page, "Config");

  await page.getByTestId("namespace-trading").click();
  const panel = page.getByTestId("namespace-panel-trading");
  await expect(panel.getByRole("heading", { name: "Publish a release" })).toBeVisible();

  await panel.getByLabel("Content (JSON object)").fill('{ "policies": { "upstreams": {} } }');
  await panel.getByLabel("Message (why)").fill("e2e: empty upstream policies");
  await panel.getByRole("button", { name: "Preview" }).click();
  await expect(panel.getByTestId("publish-preview")).toBeVisible();
  await expect(panel.getByRole("list", { name: "Errors" })).toHaveCount(0);
  await keepScreenshot(page, testInfo, "config-preview");

  await panel.getByRole("button", { name: "Publish", exact: true }).click();
  const published = panel.getByTestId("published");
  await expect(published).toHaveText(/^Published v\d+\.$/);
  const version = Number((await published.textContent())?.match(/v(\d+)/)?.[1]);
  await expect(panel.getByTestId("current-version")).toContainText(`v${version} by`);

  // trading's instance applies the release and reports it: it runs the new version and does not lag.
  const instances = panel.getByTestId(/^config-instance-/);
  await expect(instances).toHaveCount(1);
  await expect(instances.getByTestId("running-version")).toHaveText(`v${version}`, { timeout: 15_000 });
  await expect(instances.getByTestId("lag-state")).toHaveText("up to date");
  await keepScreenshot(page, testInfo, "config-published");

  // The release's `config.released` went through config's outbox and the bus to the monitor, which
  // consumes it into its journal: config's relay published it, and monitor's queue has its consumer,
  // which handled it without a failure.
  await openPage(page, "Messaging");
  const config = page.getByTestId("messaging-config");
  await expect(config.getByTestId("outbox-backlog")).toHaveText("0");
  await expect(config.getByTestId("outbox")).toContainText(/\b[1-9]\d* published/);
  const monitorQueue = page.getByTestId("messaging-monitor").getByTestId("queue-monitor-monitor");
  await expect(monitorQueue.getByTestId("consumers")).toHaveText("1");
  await expect(monitorQueue.getByTestId("handled")).toHaveText(/^[1-9]\d* \/ 0 \/ 0$/);
  await expect(monitorQueue.getByTestId("dlq-depth")).toHaveText("0");
  await keepScreenshot(page, testInfo, "config-released-consumed");

  // The monitor's journal has the release, once, however often the event was delivered.
  await openPage(page, "Journal");
  const entry = page
    .getByTestId(/^journal-[0-9a-f-]+$/)
    .filter({ hasText: `v${version} by admin — e2e: empty upstream policies` });
  await expect(entry).toHaveCount(1);
  await expect(entry.getByTestId("journal-type")).toHaveText("config.released");
  await expect(entry.getByTestId("journal-subject")).toHaveText("trading");
  await keepScreenshot(page, testInfo, "journal");

  // Filtered to instance changes, the release is gone and only registry.instance.* rows are left.
  const types = page.getByTestId("journal-type");
  await page.getByLabel("Show").selectOption({ label: "instance changes" });
  await expect(entry).toHaveCount(0);
  await expect(types.first()).toHaveText(/^registry\.instance\./);
  await expect(types.filter({ hasNotText: /^registry\.instance\./ })).toHaveCount(0);
  await page.getByLabel("Show").selectOption({ label: "config releases" });
  await expect(entry).toHaveCount(1);
  await expect(types.filter({ hasNotText: "config.released" })).toHaveCount(0);
});
