import { type FieldError, HttpError } from "@diana/core/service";

/** The namespace does not exist. */
export class NamespaceNotFoundError extends HttpError {
  override readonly name = "NamespaceNotFoundError";
  constructor(namespace: string) {
    super(404, "NAMESPACE_NOT_FOUND", `no namespace ${namespace}`);
  }
}

/** The namespace has no release with that version (or none at all). */
export class ReleaseNotFoundError extends HttpError {
  override readonly name = "ReleaseNotFoundError";
  constructor(namespace: string, version?: number) {
    super(
      404,
      "RELEASE_NOT_FOUND",
      version === undefined
        ? `namespace ${namespace} has no release yet`
        : `namespace ${namespace} has no version ${version}`,
    );
  }
}

/**
 * A release or schema that fails validation; nothing was written. Carries every problem, which the
 * routes list in the problem's `errors[]`.
 */
export class InvalidConfigError extends HttpError {
  override readonly name = "InvalidConfigError";
  constructor(
    code: "RELEASE_INVALID" | "SCHEMA_INVALID",
    detail: string,
    readonly errors: FieldError[],
  ) {
    super(422, code, detail);
  }
}
