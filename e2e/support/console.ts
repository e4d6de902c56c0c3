import { join } from "node:path";
import { expect, type Page, type TestInfo } from "@playwright/test";
import { ADMIN_USER, readRunState } from "./run-env";

/** Signs in through the console's login page as this run's admin and waits for the Services page. */
export async function signIn(page: Page, path = "/"): Promise<void> {
  await page.goto(path);
  await expect(page.getByRole("heading", { name: "Sign in to Diana" })).toBeVisible();
  await page.getByLabel("User name").fill(ADMIN_USER);
  await page.getByLabel("Password").fill(readRunState().adminPassword);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("signed-in-user")).toContainText(`${ADMIN_USER} admin`);
}

/** Goes to a console page by its navigation link (no reload, so the session stays in memory). */
export async function openPage(page: Page, label: string): Promise<void> {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: label }).click();
  await expect(page.getByRole("heading", { name: label, level: 1 })).toBeVisible();
}

/** A full-page screenshot, kept as a report attachment and as a plain file beside the other results. */
export async function keepScreenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = join(testInfo.project.outputDir, `${name}.png`);
  const body = await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { body, contentType: "image/png" });
}
