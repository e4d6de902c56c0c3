import { expect, test } from "@playwright/test";
import { keepScreenshot, openPage, signIn } from "../support/console";
import { readRunState } from "../support/run-env";

const skipReason = readRunState().skipReason;
test.skip(Boolean(skipReason), skipReason);

test("the gateway's breakers show once traffic flowed, and an operator forces one open and resets it", async ({
  page,
}, testInfo) => {
  await signIn(page);
  await openPage(page, "Breakers");

  // The console's own reads are traffic through the gateway: one breaker per upstream it called.
  const toRegistry = page.getByTestId("breaker-gateway-http:registry");
  await expect(toRegistry).toBeVisible();
  await expect(toRegistry.getByTestId("breaker-state")).toHaveText("closed");
  await expect(page.getByRole("heading", { name: "Calls to registry" })).toBeVisible();

  // Scoring's breakers are read through the gateway too, so the gateway has one towards scoring.
  const toScoring = page.getByTestId("breaker-gateway-http:scoring");
  const state = toScoring.getByTestId("breaker-state");
  const last = toScoring.getByTestId("breaker-last-transition");
  await expect(state).toHaveText("closed");

  await toScoring.getByRole("button", { name: "Force open" }).click();
  const dialog = page.getByRole("dialog", { name: "Force open http:scoring in gateway?" });
  await dialog.getByRole("button", { name: "Force open" }).click();
  await expect(dialog).toBeHidden();
  await expect(state).toHaveText("forced-open");
  await expect(last).toContainText("forced open by an operator");
  // With the circuit forced open the gateway refuses calls to scoring, reads of its breakers included.
  await expect(page.getByRole("alert")).toContainText("scoring:");
  await keepScreenshot(page, testInfo, "breakers-forced-open");

  await toScoring.getByRole("button", { name: "Reset" }).click();
  await expect(state).toHaveText("closed");
  await expect(last).toContainText("reset by an operator");
  await expect(page.getByText(/^scoring: /)).toHaveCount(0);
  await keepScreenshot(page, testInfo, "breakers-reset");
});
