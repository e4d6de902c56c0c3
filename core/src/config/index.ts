export { EnvError, type EnvIssue, readEnv, type ServiceEnv, serviceEnv, UrlVar } from "./env";
