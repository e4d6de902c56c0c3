export { requireServiceToken, serviceTokenSecurity, UnauthorizedError } from "./auth";
export {
  type Attachment,
  createService,
  type InfraMode,
  ProblemSchema,
  type Service,
  type ServiceAuth,
  type ServiceInfo,
  type ServiceOptions,
} from "./create-service";
export type { CheckResult, ReadinessCheck, ReadinessReport } from "./health";
export { platformDeps, runMain } from "./main";
export { periodic, periodicDeletion } from "./periodic";
export { createPlatformService, type PlatformDeps, type ServiceMeta } from "./platform";
export { type PlatformConfig, platformConfigProperties, serviceConfigSchema } from "./platform-config";
export {
  type FieldError,
  HttpError,
  isHttpMappable,
  PROBLEM_BASE,
  type Problem,
  problem,
  problemResponse,
} from "./problem";
export { acceptId } from "./request-id";
export { type Resource, resources } from "./resources";
export { runUntilSignal } from "./run";
export { API_CSP, APP_CSP, DOCS_CSP, SECURITY_HEADERS, securityHeaders } from "./security-headers";
