/** An RFC 9457 problem body as Diana's services send it. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  errors?: Array<{ path?: string; message?: string }>;
}

/** A non-2xx answer. `problem` holds the problem+json body when there was one. */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    readonly problem: Problem | null,
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

/**
 * Every console call to the gateway goes through here, so headers that every call needs
 * (the bearer token, once there is a login) are added in one place.
 */
async function request<T>(
  method: "GET" | "POST",
  path: string,
  body?: unknown,
  signal?: AbortSignal,
): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (cause) {
    if (signal?.aborted) throw cause;
    throw new UnreachableError("the gateway does not answer", { cause });
  }
  if (!res.ok) throw new ApiError(res.status, await readProblem(res));
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

export const apiGet = <T>(path: string, signal?: AbortSignal) => request<T>("GET", path, undefined, signal);

/** An action: never retried here (the caller decides), so a drain is sent once. */
export const apiPost = <T>(path: string, body?: unknown) => request<T>("POST", path, body);
