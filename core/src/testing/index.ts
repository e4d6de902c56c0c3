export { createTestAuth, type TestAuth, testServiceBearer } from "./auth";
export { freePort } from "./free-port";
export { json } from "./http";
export { testPlatformDeps, testServiceToken } from "./platform-deps";
export {
  type RequireServerOptions,
  requireServer,
  type ServerAvailability,
  ServerUnavailableError,
} from "./require-server";
export { waitFor } from "./wait-for";
