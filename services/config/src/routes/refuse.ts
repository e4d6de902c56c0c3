import { problem, problemResponse } from "@diana/core/service";
import { InvalidConfigError } from "../domain/errors";

/**
 * Runs `work`, answering an {@link InvalidConfigError} with a 422 problem that lists every error in
 * `errors[]` (the service kit's generic mapping keeps only the detail).
 */
export async function refusingInvalid<T>(
  context: { set: { headers: Record<string, unknown> }; path: string },
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (!(e instanceof InvalidConfigError)) throw e;
    const requestId = String(context.set.headers["x-request-id"] ?? "");
    // A finished Response passes through Elysia untouched; typed as T so the route keeps its schema types.
    return problemResponse(
      problem(e.status, e.code, e.message, { errors: e.errors, requestId, instance: context.path }),
      { "x-request-id": requestId },
    ) as T;
  }
}
