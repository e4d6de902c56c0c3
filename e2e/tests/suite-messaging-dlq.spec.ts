// Runs after suite-messaging-config.spec.ts (name order): the monitor's queue exists by then.
import { Connection } from "rabbitmq-client";
import { keepScreenshot, openPage, signIn } from "../support/console";
import { expect, test } from "../support/fixtures";
import { readRunState } from "../support/run-env";

const skipReason = readRunState().skipReason;
test.skip(Boolean(skipReason), skipReason);

/** A UUIDv7, as event ids are (Playwright runs on Node, without `Bun.randomUUIDv7`). */
function uuidv7(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const ms = Date.now();
  for (let i = 0; i < 6; i++) bytes[i] = Math.floor(ms / 2 ** (8 * (5 - i))) % 256;
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Publishes, as a broken publisher would, a `config.released` whose data misses its required fields. */
async function publishPoison(): Promise<string> {
  const connection = new Connection(readRunState().amqpUrl);
  connection.on("error", () => {});
  const publisher = connection.createPublisher({ confirm: true });
  const id = uuidv7();
  try {
    await publisher.send(
      {
        exchange: "diana.events",
        routingKey: "config.released",
        mandatory: true,
        durable: true,
        contentType: "application/cloudevents+json",
        messageId: id,
      },
      Buffer.from(
        JSON.stringify({
          specversion: "1.0",
          id,
          source: "/e2e/broken-publisher",
          type: "config.released",
          time: new Date().toISOString(),
          datacontenttype: "application/json",
          subject: "trading",
          data: { namespace: "trading" },
        }),
      ),
    );
  } finally {
    await publisher.close();
    await connection.close();
  }
  return id;
}

test("an event the monitor cannot accept lands in its DLQ with the reason; an operator replays it, sees it die again, and purges it", async ({
  page,
}, testInfo) => {
  const id = await publishPoison();
  await signIn(page);
  await openPage(page, "Messaging");

  const row = page.getByTestId("messaging-monitor").getByTestId("queue-monitor-monitor");
  await expect(row.getByTestId("dlq-depth")).toHaveText("1", { timeout: 10_000 });
  // This instance's consumed / failed / redelivered: the poison is its first failure.
  await expect(row.getByTestId("handled")).toHaveText(/^\d+ \/ 1 \/ 0$/);
  await row.getByRole("button", { name: "Browse dead letters" }).click();
  const letters = page.getByRole("list", { name: "Dead letters of monitor" });
  const letter = letters.getByRole("listitem").filter({ hasText: id });
  await expect(letter).toContainText("config.released");
  await expect(letter).toContainText(/Reason: invalid payload: .*version/);
  await keepScreenshot(page, testInfo, "dlq-poison");

  // A replay sends it back to the monitor's queue, where the same check sends it straight back.
  await row.getByRole("button", { name: "Replay all" }).click();
  await expect(row.getByRole("status")).toHaveText("Replayed 1.");
  await expect(letters.getByRole("listitem").filter({ hasText: id })).toHaveCount(1, { timeout: 10_000 });
  await expect(row.getByTestId("handled")).toHaveText(/^\d+ \/ 2 \/ 0$/, { timeout: 10_000 });
  await expect(row.getByTestId("dlq-depth")).toHaveText("1");

  await row.getByRole("button", { name: "Purge" }).click();
  const dialog = page.getByRole("dialog", { name: "Purge the dead letters of monitor in monitor?" });
  await dialog.getByRole("button", { name: "Purge" }).click();
  await expect(dialog).toBeHidden();
  await expect(row.getByTestId("dlq-depth")).toHaveText("0");
  await keepScreenshot(page, testInfo, "dlq-purged");

  // The journal never recorded it.
  await openPage(page, "Journal");
  await expect(page.getByTestId(`journal-${id}`)).toHaveCount(0);
  await expect(page.getByTestId("journal-type").first()).toBeVisible();
});
