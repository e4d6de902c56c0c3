export { EnvError, type EnvIssue, readEnv, type ServiceEnv, serviceEnv, UrlVar } from "./env";
export {
  type AppliedReport,
  AppliedReportSchema,
  canonicalJson,
  contentHash,
  NamespaceName,
  RELEASE_EVENT,
  type Release,
  ReleaseSchema,
} from "./release";
