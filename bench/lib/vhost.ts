import { dropOnInterrupt } from "./interrupt";

/** A benchmark's own RabbitMQ vhost on the local broker (guest, loopback); `drop()` deletes it. */
export interface ScratchVhost {
  url: string;
  drop(): Promise<void>;
}

async function rabbitmqctl(...args: string[]): Promise<void> {
  const proc = Bun.spawn(["rabbitmqctl", ...args], { stdout: "ignore", stderr: "pipe" });
  if ((await proc.exited) !== 0)
    throw new Error(`rabbitmqctl ${args.join(" ")}: ${await new Response(proc.stderr).text()}`);
}

/**
 * Creates `diana-bench-<random>` with permissions for guest; an interrupted run still deletes it.
 *
 * @example
 * const vhost = await scratchVhost();
 * try { … new Connection(vhost.url) … } finally { await vhost.drop(); }
 */
export async function scratchVhost(): Promise<ScratchVhost> {
  const name = `diana-bench-${Bun.randomUUIDv7("hex").slice(-8)}`;
  await rabbitmqctl("add_vhost", name);
  await rabbitmqctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*");
  return {
    url: `amqp://guest:guest@127.0.0.1:5672/${name}`,
    drop: dropOnInterrupt(() => rabbitmqctl("delete_vhost", name)),
  };
}
