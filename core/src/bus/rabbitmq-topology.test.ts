import { afterEach, describe, expect, test } from "bun:test";
import { Connection } from "rabbitmq-client";
import { fixture } from "./conformance/fixture";
import { createRabbitMqBus } from "./rabbitmq";
import { testVhost } from "./rabbitmq-test-vhost";
import type { EventBus } from "./types";
import { waitFor } from "./wait-for";

const server = await testVhost();
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
});

function bus(f: ReturnType<typeof fixture>, deliveryLimit?: number): EventBus {
  const created = createRabbitMqBus({ ...f.options([50, 100]), connection: server.url, deliveryLimit });
  open.push(created);
  return created;
}

(server.reason ? describe.skip : describe)(
  `rabbitmq topology${server.reason ? ` (skipped: ${server.reason})` : ""}`,
  () => {
    test("declares quorum queues: the service queue with an explicit delivery limit, a TTL stage per delay, a DLQ", async () => {
      const f = fixture();
      const consumer = f.consumer("c");
      await bus(f, 7).subscribe({ consumer, patterns: [f.type("order.*")] }, () => {});
      // Declaring again, from another bus, is a no-op.
      await bus(f, 7).subscribe({ consumer, patterns: [f.type("order.*")] }, () => {});
      const listing = await server.list(
        "list_queues",
        "-p",
        server.vhost,
        "--no-table-headers",
        "-q",
        "name",
        "arguments",
      );
      const line = (name: string) => listing.split("\n").find((l) => l.startsWith(`${name}\t`)) ?? "";
      expect(line(consumer)).toContain('{"x-delivery-limit",7}');
      expect(line(consumer)).toContain('{"x-queue-type","quorum"}');
      expect(line(`${consumer}.retry.50ms`)).toContain('{"x-message-ttl",50}');
      expect(line(`${consumer}.retry.100ms`)).toContain(`{"x-dead-letter-routing-key","${consumer}"}`);
      expect(line(`${consumer}.dlq`)).toContain('{"x-queue-type","quorum"}');
    });

    test("a delivery that never settles reaches the DLQ through x-delivery-limit, and replay reads its origin from x-death", async () => {
      const f = fixture();
      const consumer = f.consumer("c");
      const b = bus(f, 2);
      const first = await b.subscribe({ consumer, patterns: [f.type("order.*")] }, () => {});
      await first.close();
      const published = await b.publish({ type: f.type("order.filled"), data: { orderId: "a" } });

      // A consumer that dies mid-handler, again and again: the message is returned unsettled each time.
      const raw = new Connection(server.url);
      open.push(raw);
      await waitFor(async () => {
        const ch = await raw.acquire();
        const message = await ch.basicGet({ queue: consumer });
        await ch.close();
        return message === undefined && (await b.dlq.depth(consumer)) === 1;
      });
      const [dead] = await b.dlq.browse(consumer);
      expect(dead).toMatchObject({
        id: published.id,
        origin: consumer,
        reason: "dead-lettered by RabbitMQ: delivery_limit",
      });

      const handled: string[] = [];
      await b.subscribe({ consumer, patterns: [f.type("order.*")] }, (e) => void handled.push(e.id));
      expect(await b.dlq.replay(consumer)).toEqual({ replayed: 1 });
      await waitFor(() => handled.length === 1);
      expect(handled).toEqual([published.id]);
    });
  },
);
