export {
  type RequireServerOptions,
  requireServer,
  type ServerAvailability,
  ServerUnavailableError,
} from "./require-server";
export { waitFor } from "./wait-for";
export { testPlatformDeps, testServiceToken } from "./platform-deps";
