import { runBusConformance } from "./conformance";
import { createRabbitMqBus } from "./rabbitmq";
import { testVhost } from "./rabbitmq-test-vhost";

const server = await testVhost();

runBusConformance({
  name: "rabbitmq",
  create: (options) => createRabbitMqBus({ ...options, connection: server.url }),
  skip: server.reason,
});
