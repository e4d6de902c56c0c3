export { type AccessTokenClaims, signAccessToken } from "./access-token";
export {
  ACCESS_TOKEN_TYPE,
  ALGORITHM,
  DEFAULT_AUDIENCE,
  DEFAULT_ISSUER,
  SERVICE_AUDIENCE,
  SERVICE_ISSUER,
  SERVICE_TOKEN_TYPE,
} from "./claims";
export { ForbiddenError, UnauthorizedError } from "./errors";
export { type KeySource, keyResolver } from "./key-source";
export {
  allows,
  isUserRole,
  type Principal,
  type RouteRole,
  routeRoles,
  type UserRole,
  userRoles,
} from "./roles";
export { defaultRole, routeRoleTable, securityFor, securitySchemes, withRole } from "./route-roles";
export {
  createServiceTokenSigner,
  type ServiceKeys,
  type ServiceTokenSigner,
  type ServiceTokenSignerOptions,
  serviceKeys,
} from "./service-token";
export {
  createTokenVerifier,
  type TokenVerifier,
  type TokenVerifierOptions,
  type UserTokenOptions,
} from "./verifier";
