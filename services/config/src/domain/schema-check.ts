import { contentHash } from "@diana/core/config";
import type { FieldError } from "@diana/core/service";
import { Ajv, type ValidateFunction } from "ajv";

const ajv = new Ajv({ allErrors: true, strict: false });
// The formats namespace schemas are likely to use; others are ignored rather than refused.
ajv.addFormat("date-time", { validate: (s: string) => !Number.isNaN(Date.parse(s)) && /T/.test(s) });
ajv.addFormat("uri", /^[a-z][a-z0-9+.-]*:\/\/\S+$/i);
ajv.addFormat("email", /^[^\s@]+@[^\s@]+\.[^\s@]+$/);
ajv.addFormat("uuid", /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);

const compiled = new Map<string, ValidateFunction>();

/** The problems with a JSON schema itself, as field errors under `/body/schema`; empty when it compiles. */
export function schemaIssues(schema: unknown): FieldError[] {
  if (schema === null || typeof schema !== "object" || Array.isArray(schema))
    return [{ pointer: "/body/schema", detail: "must be a JSON schema object" }];
  try {
    validatorFor(schema as Record<string, unknown>);
    return [];
  } catch (e) {
    return [{ pointer: "/body/schema", detail: (e as Error).message }];
  }
}

function validatorFor(schema: Record<string, unknown>): ValidateFunction {
  const key = contentHash(schema);
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(key, validate);
  }
  return validate;
}

/**
 * Every way `content` breaks `schema`, each as a field error whose pointer is under `prefix`
 * (`/body/content` for a publish). Empty when it conforms.
 */
export function contentIssues(
  schema: Record<string, unknown>,
  content: unknown,
  prefix = "/body/content",
): FieldError[] {
  const validate = validatorFor(schema);
  if (validate(content)) return [];
  return (validate.errors ?? []).map((e) => {
    const missing =
      e.keyword === "required" ? `/${(e.params as { missingProperty: string }).missingProperty}` : "";
    return { pointer: `${prefix}${e.instancePath}${missing}`, detail: e.message ?? "is invalid" };
  });
}
