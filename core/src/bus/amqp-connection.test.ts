import { afterAll, describe, expect, test } from "bun:test";
import { waitFor } from "../testing";
import { createAmqpConnection } from "./amqp-connection";
import { testVhost } from "./rabbitmq-test-vhost";

const server = await testVhost();

interface SocketProbe {
  writableCorked: number;
  uncork(): void;
}
const socketOf = (connection: object) => (connection as { _socket: SocketProbe })._socket;

describe.skipIf(!!server.reason)("createAmqpConnection", () => {
  const connection = createAmqpConnection({ url: server.url, retryLow: 50, retryHigh: 100 });
  // The forced close below is reported as an error event; reconnecting is what is under test.
  connection.on("error", () => {});
  afterAll(() => connection.close());

  test("holds one cork per turn while staying ready, and sends what was written in it", async () => {
    await connection.onConnect(5_000);
    const channel = await connection.acquire();
    await channel.queueDeclare({ queue: "coalesce", exclusive: true });
    const uncorks: number[] = [];
    const socket = socketOf(connection);
    const uncork = socket.uncork.bind(socket);
    socket.uncork = () => {
      uncorks.push(socket.writableCorked);
      uncork();
    };
    try {
      for (let i = 0; i < 50; i++) channel.basicPublish({ routingKey: "coalesce" }, Buffer.from(`m${i}`));
      // All fifty frames sit behind one cork, and the connection still reports itself ready.
      expect(socket.writableCorked).toBe(1);
      expect(connection.ready).toBe(true);
      await waitFor(
        async () => (await channel.queueDeclare({ queue: "coalesce", passive: true })).messageCount === 50,
        {
          timeoutMs: 5_000,
        },
      );
      expect(uncorks.length).toBeGreaterThanOrEqual(1);
      expect(socket.writableCorked).toBe(0);
    } finally {
      socket.uncork = uncork;
      await channel.close();
    }
  });

  test("a socket opened after a reconnect coalesces too", async () => {
    await connection.onConnect(5_000);
    const before = socketOf(connection);
    await server.list("close_all_connections", "-p", server.vhost, "test reconnect");
    await waitFor(() => socketOf(connection) !== before && connection.ready, { timeoutMs: 10_000 });
    const channel = await connection.acquire();
    try {
      await channel.queueDeclare({ queue: "coalesce-after", exclusive: true });
      channel.basicPublish({ routingKey: "coalesce-after" }, Buffer.from("after"));
      expect(socketOf(connection).writableCorked).toBe(1);
      await waitFor(
        async () =>
          (await channel.queueDeclare({ queue: "coalesce-after", passive: true })).messageCount === 1,
        { timeoutMs: 5_000 },
      );
    } finally {
      await channel.close();
    }
  });
});
