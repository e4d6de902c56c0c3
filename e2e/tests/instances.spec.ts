import { expect, test } from "@playwright/test";
import { registryAcceptsOperators } from "../support/auth";
import { keepScreenshot, openPage, signIn } from "../support/console";
import { readRunState } from "../support/run-env";

const skipReason = readRunState().skipReason;
test.skip(Boolean(skipReason), skipReason);

/** Not the registry or the gateway: the console itself goes through those. */
const SERVICE = "scoring";
const REASON = "e2e: taking scoring out of rotation for a moment";

test("an operator drains an instance with a reason, sees it drained with its history and in the journal, and enables it", async ({
  page,
}, testInfo) => {
  const registry = await registryAcceptsOperators();
  test.fixme(
    !registry.ok,
    `the registry refuses user tokens on drain/enable (HTTP ${registry.status}): services/registry/src/routes/instances.ts guards them with requireServiceToken; they need the operator role`,
  );
  await signIn(page);
  await openPage(page, "Instances");

  const row = page.getByTestId(new RegExp(`^instance-${SERVICE}-`));
  await expect(row).toHaveCount(1);
  const id = (await row.getAttribute("data-testid"))!.slice("instance-".length);
  const status = page.getByTestId(`instance-status-${id}`);
  await expect(status).toHaveText("passing");

  await row.getByRole("button", { name: "Drain…" }).click();
  const dialog = page.getByRole("dialog", { name: `Drain ${id}?` });
  await expect(dialog).toBeVisible();
  const confirm = dialog.getByRole("button", { name: "Drain instance" });
  await expect(confirm, "a reason is required").toBeDisabled();
  await dialog.getByLabel(/^Reason/).fill(REASON);
  await confirm.click();
  await expect(dialog).toBeHidden();

  await expect(status).toContainText("drained");
  await expect(status).toContainText(REASON);
  await expect(row.getByRole("button", { name: "Enable" })).toBeVisible();
  await expect(page.getByText(/· 1 drained/)).toBeVisible();

  await row.getByRole("button", { name: `${id} history` }).click();
  const history = page.getByTestId(`history-${id}`);
  await expect(history.getByRole("row").filter({ hasText: "drained" })).toContainText(REASON);
  await keepScreenshot(page, testInfo, "instances-drained");

  await openPage(page, "Services");
  await expect(page.getByTestId(`drained-${SERVICE}`)).toHaveText("1 drained");
  await expect(page.getByTestId(`status-${SERVICE}`)).toHaveText("unhealthy");
  await keepScreenshot(page, testInfo, "services-with-drained");

  await openPage(page, "Instances");
  await row.getByRole("button", { name: "Enable" }).click();
  await expect(status).toHaveText("passing");
  await expect(row.getByRole("button", { name: "Drain…" })).toBeVisible();
  await row.getByRole("button", { name: `${id} history` }).click();
  await expect(history.getByRole("row").nth(1)).toContainText("enabled");
  await keepScreenshot(page, testInfo, "instances-enabled");

  // The registry announced both changes through its outbox; the monitor journals them in order.
  await openPage(page, "Journal");
  const entries = page.getByTestId(/^journal-[0-9a-f-]+$/).filter({ hasText: id });
  await expect(entries.filter({ hasText: "registry.instance.drained" })).toContainText(REASON);
  await expect(entries.first().getByTestId("journal-type")).toHaveText("registry.instance.enabled");
  await keepScreenshot(page, testInfo, "journal-drain");
});
