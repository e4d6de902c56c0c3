/**
 * A CSP for JSON APIs: nothing may load, nothing may frame the response. The kit's default.
 */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** A CSP for a same-origin single-page app (the console): own scripts only, no framing. */
export const APP_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; " +
  "frame-ancestors 'none'";

/** The docs UI (Scalar) loads its bundle from jsDelivr and styles itself inline. */
export const DOCS_CSP =
  "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; " +
  "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.scalar.com; " +
  "font-src 'self' data: https://cdn.jsdelivr.net https://fonts.scalar.com; img-src 'self' data: https:; " +
  "connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

/**
 * helmet's default set, tightened for an API (`X-Frame-Options: DENY`, `Referrer-Policy: no-referrer`),
 * without `Content-Security-Policy`, which depends on the path.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "origin-agent-cluster": "?1",
  "referrer-policy": "no-referrer",
  "strict-transport-security": "max-age=31536000; includeSubDomains",
  "x-content-type-options": "nosniff",
  "x-dns-prefetch-control": "off",
  "x-download-options": "noopen",
  "x-frame-options": "DENY",
  "x-permitted-cross-domain-policies": "none",
  "x-xss-protection": "0",
});

const byCsp = new Map<
  string,
  { page: Readonly<Record<string, string>>; docs: Readonly<Record<string, string>> }
>();
const docsHeaders: Readonly<Record<string, string>> = Object.freeze({
  ...SECURITY_HEADERS,
  "content-security-policy": DOCS_CSP,
});

/**
 * The security headers for a response to `path`: docs pages get {@link DOCS_CSP}, the rest `csp`.
 * The result is frozen and shared (built once per `csp`): copy it, never change it.
 */
export function securityHeaders(path: string, csp: string = API_CSP): Readonly<Record<string, string>> {
  if (path === "/docs" || path.startsWith("/docs/") || path.endsWith("/docs")) return docsHeaders;
  let sets = byCsp.get(csp);
  if (!sets) {
    sets = {
      page: Object.freeze({ ...SECURITY_HEADERS, "content-security-policy": csp }),
      docs: docsHeaders,
    };
    byCsp.set(csp, sets);
  }
  return sets.page;
}
