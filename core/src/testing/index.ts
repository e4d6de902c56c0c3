export {
  type RequireServerOptions,
  requireServer,
  type ServerAvailability,
  ServerUnavailableError,
} from "./require-server";
