/** JOSE `typ` of user access tokens (RFC 9068). */
export const ACCESS_TOKEN_TYPE = "at+jwt";
/** JOSE `typ` of service tokens, which only the service-token verifier accepts. */
export const SERVICE_TOKEN_TYPE = "service+jwt";
/** The one signature algorithm Diana issues and accepts. */
export const ALGORITHM = "EdDSA";
/** `iss` of access tokens unless configured otherwise. */
export const DEFAULT_ISSUER = "diana:gateway";
/** `aud` of access tokens unless configured otherwise. */
export const DEFAULT_AUDIENCE = "diana:api";
/** `iss` and `aud` of service tokens. */
export const SERVICE_ISSUER = "diana:services";
export const SERVICE_AUDIENCE = "diana:services";
