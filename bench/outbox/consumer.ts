/**
 * The consumer of `bench/outbox.ts`, in a process of its own so that its CPU is not counted as the relay's:
 * subscribes `bench-outbox` to `bench.#` on Diana's bus, counts deliveries, and tells the parent the count
 * over IPC (`{ ready: true }` once subscribed, then `{ consumed }` every 10 ms while it changes). Exits
 * when the parent sends `"stop"` or goes away. Argument: the AMQP URL.
 */
import { createAmqpConnection, createRabbitMqBus } from "@diana/core/bus";
import { catalog } from "./producer";

const url = Bun.argv[2];
if (!url || !process.send) throw new Error("usage: spawned by bench/outbox.ts with ipc, argument: AMQP URL");
const send = process.send.bind(process);

const connection = createAmqpConnection(url);
const bus = createRabbitMqBus({ connection, catalog, source: "/bench/outbox" });
let consumed = 0;
const subscription = await bus.subscribe(
  { consumer: "bench-outbox", patterns: ["bench.#"], concurrency: 100, prefetch: 200 },
  () => {
    consumed++;
  },
);
send({ ready: true });
let told = 0;
const report = setInterval(() => {
  if (consumed === told) return;
  told = consumed;
  send({ consumed });
}, 10);

async function stop() {
  clearInterval(report);
  await subscription.close();
  await bus.close();
  await connection.close();
  process.exit(0);
}
process.on("message", (message) => {
  if (message === "stop") void stop();
});
process.on("disconnect", () => void stop());
