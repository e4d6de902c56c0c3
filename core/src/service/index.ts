export {
  type Attachment,
  createService,
  type InfraMode,
  ProblemSchema,
  type Service,
  type ServiceInfo,
  type ServiceOptions,
} from "./create-service";
export { type CheckResult, type ReadinessCheck, type ReadinessReport } from "./health";
export { type FieldError, HttpError, isHttpMappable, type Problem, PROBLEM_BASE, problem, problemResponse } from "./problem";
export { acceptId } from "./request-id";
export { runUntilSignal } from "./run";
export { requireServiceToken, serviceTokenSecurity, UnauthorizedError } from "./auth";
export { createPlatformService, type PlatformDeps, type ServiceMeta } from "./platform";
export { platformDeps, runMain } from "./main";
export { type Resource, resources } from "./resources";
