import { expect, test } from "@playwright/test";
import { keepScreenshot, signIn } from "../support/console";
import { readRunState } from "../support/run-env";

const skipReason = readRunState().skipReason;
test.skip(Boolean(skipReason), skipReason);

test("a wrong password is refused, a reload keeps the session, signing out ends it", async ({
  page,
}, testInfo) => {
  await page.goto("/breakers");
  await expect(page.getByRole("heading", { name: "Sign in to Diana" })).toBeVisible();
  await page.getByLabel("User name").fill("admin");
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toHaveText("Wrong user name or password.");
  await keepScreenshot(page, testInfo, "login-refused");

  await signIn(page, "/breakers");
  // The page asked for before signing in is the one shown after.
  await expect(page.getByRole("heading", { name: "Breakers", level: 1 })).toBeVisible();

  // The access token lives in memory only; the refresh cookie brings the session back.
  await page.reload();
  await expect(page.getByTestId("signed-in-user")).toContainText("admin");
  await expect(page.getByRole("heading", { name: "Breakers", level: 1 })).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { name: "Sign in to Diana" })).toBeVisible();
  await expect(page.getByRole("status")).toHaveText("Signed out.");
  await page.reload();
  await expect(page.getByRole("heading", { name: "Sign in to Diana" })).toBeVisible();
});
