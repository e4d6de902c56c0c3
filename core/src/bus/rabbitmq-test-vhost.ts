import { afterAll } from "bun:test";
import { Connection } from "rabbitmq-client";
import { requireServer, type ServerAvailability } from "../testing/require-server";

async function rabbitmqctl(...args: string[]): Promise<string> {
  const proc = Bun.spawn(["rabbitmqctl", ...args], { stdout: "pipe", stderr: "pipe" });
  const out = await new Response(proc.stdout).text();
  if ((await proc.exited) !== 0)
    throw new Error(`rabbitmqctl ${args.join(" ")}: ${await new Response(proc.stderr).text()}`);
  return out;
}

/**
 * For test files: a fresh vhost `diana-test-<random>` (rabbitmqctl add_vhost + set_permissions for
 * guest), deleted after the file. Unreachable RabbitMQ skips with a reason, or fails when CI=true.
 */
export async function testVhost(): Promise<
  ServerAvailability & { url: string; vhost: string; list: typeof rabbitmqctl }
> {
  const vhost = `diana-test-${Bun.randomUUIDv7("hex").slice(-12)}`;
  const url = `${process.env.AMQP_TEST_URL ?? "amqp://guest:guest@127.0.0.1:5672"}/${encodeURIComponent(vhost)}`;
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
  return { ...server, url, vhost, list: rabbitmqctl };
}
