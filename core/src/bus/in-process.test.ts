import { runBusConformance } from "./conformance";
import { createInProcessBus } from "./in-process";
import { createInProcessBroker } from "./in-process-broker";

const broker = createInProcessBroker();
runBusConformance({ name: "in-process", create: (options) => createInProcessBus({ ...options, broker }) });
