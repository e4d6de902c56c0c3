import { afterAll } from "bun:test";
import { Connection } from "rabbitmq-client";
import { requireServer } from "../testing/require-server";
import { runBusConformance } from "./conformance";
import { createRabbitMqBus } from "./rabbitmq";

// Each run gets its own vhost, created and deleted with rabbitmqctl (the management plugin may be off).
const vhost = `diana-test-${Bun.randomUUIDv7("hex").slice(-12)}`;
const base = process.env.AMQP_TEST_URL ?? "amqp://guest:guest@127.0.0.1:5672";
const url = `${base}/${encodeURIComponent(vhost)}`;

async function rabbitmqctl(...args: string[]): Promise<void> {
  const proc = Bun.spawn(["rabbitmqctl", ...args], { stdout: "pipe", stderr: "pipe" });
  if ((await proc.exited) !== 0)
    throw new Error(`rabbitmqctl ${args.join(" ")}: ${await new Response(proc.stderr).text()}`);
}

const server = await requireServer(
  "RabbitMQ at 127.0.0.1:5672",
  async () => {
    await rabbitmqctl("add_vhost", vhost);
    await rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*");
    const probe = new Connection({ url, retryLow: 100, retryHigh: 200 });
    try {
      await probe.onConnect(2_000);
    } finally {
      await probe.close();
    }
  },
  { timeoutMs: 15_000 },
);

afterAll(async () => {
  if (server.available) await rabbitmqctl("delete_vhost", vhost);
});

runBusConformance({
  name: "rabbitmq",
  create: (options) => createRabbitMqBus({ ...options, connection: url }),
  skip: server.reason,
});
