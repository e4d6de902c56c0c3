/** An RFC 9457 problem body as Diana's services send it. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  /** Every field that failed validation (JSON Pointer and what is wrong). */
  errors?: Array<{ pointer?: string; detail?: string }>;
}

/** A non-2xx answer. `problem` holds the problem+json body when there was one. */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    readonly problem: Problem | null,
    /** Seconds from a Retry-After header (a 429 or 503), when there was one. */
    readonly retryAfter?: number,
  ) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
  }
}

/** The request never got an answer (network down, gateway not listening). */
export class UnreachableError extends Error {
  override readonly name = "UnreachableError";
}

async function readProblem(res: Response): Promise<Problem | null> {
  const type = res.headers.get("content-type") ?? "";
  if (!type.includes("json")) return null;
  try {
    return (await res.json()) as Problem;
  } catch {
    return null;
  }
}

function retryAfterOf(res: Response): number | undefined {
  const value = res.headers.get("retry-after");
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/** How the client learns the access token and asks for a new one; set by the session (src/auth). */
export interface BearerSource {
  /** The current access token, if signed in. */
  token(): string | undefined;
  /** Gets a new access token (refresh); false when the session is over. */
  renew(): Promise<boolean>;
}

let bearer: BearerSource | undefined;

export function setBearerSource(source: BearerSource | undefined): void {
  bearer = source;
}

type Method = "GET" | "POST";

async function send(method: Method, path: string, body: unknown, signal?: AbortSignal, token?: string) {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (token) headers.authorization = `Bearer ${token}`;
  try {
    return await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      // The refresh token is an HttpOnly cookie scoped to /auth on this origin.
      credentials: "same-origin",
      signal,
    });
  } catch (cause) {
    if (signal?.aborted) throw cause;
    throw new UnreachableError("the gateway does not answer", { cause });
  }
}

/**
 * Every console call to the gateway goes through here: it carries the access token, and a 401 gets one
 * refresh and one retry. `/auth/*` calls go without either (`authed: false`).
 */
async function request<T>(
  method: Method,
  path: string,
  body?: unknown,
  signal?: AbortSignal,
  authed = true,
): Promise<T> {
  const source = authed ? bearer : undefined;
  const sent = source?.token();
  let res = await send(method, path, body, signal, sent);
  // Retried once: with a token renewed meanwhile by another call, or after renewing it here.
  if (res.status === 401 && source && (source.token() !== sent || (await source.renew()))) {
    res = await send(method, path, body, signal, source.token());
  }
  if (!res.ok) throw new ApiError(res.status, await readProblem(res), retryAfterOf(res));
  if (res.status === 204 || res.headers.get("content-length") === "0") return undefined as T;
  return (await res.json()) as T;
}

export const apiGet = <T>(path: string, signal?: AbortSignal) => request<T>("GET", path, undefined, signal);

/** An action: sent once (no retry beyond the single one after a refresh), so a drain is not repeated. */
export const apiPost = <T>(path: string, body?: unknown) => request<T>("POST", path, body);

/** Login, refresh and logout: no bearer token, no refresh on 401. */
export const authPost = <T>(path: string, body?: unknown) => request<T>("POST", path, body, undefined, false);
