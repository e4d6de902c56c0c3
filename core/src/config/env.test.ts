import { describe, expect, test } from "bun:test";
import { Type } from "@sinclair/typebox";
import { EnvError, readEnv, serviceEnv } from "./env";

const token = "x".repeat(32);

describe("readEnv", () => {
  test("coerces numbers, applies defaults and ignores unknown variables", () => {
    const env = readEnv(
      Type.Composite([serviceEnv, Type.Object({ PORT: Type.Integer({ default: 8000 }) })]),
      {
        PORT: "9000",
        SERVICE_TOKEN: token,
        UNRELATED: "1",
      },
    );
    expect(env.PORT).toBe(9000);
    expect(env.LOG_LEVEL).toBe("info");
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env).not.toHaveProperty("UNRELATED");
  });

  test("names every bad or missing variable at once", () => {
    const schema = Type.Composite([serviceEnv, Type.Object({ PORT: Type.Integer({ minimum: 1 }) })]);
    let error: unknown;
    try {
      readEnv(schema, { PORT: "zero", LOG_LEVEL: "loud", DATABASE_URL: "not a url" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvError);
    const variables = (error as EnvError).issues.map((i) => i.variable).sort();
    expect(variables).toEqual(["DATABASE_URL", "LOG_LEVEL", "PORT", "SERVICE_TOKEN"]);
    expect((error as EnvError).message).toContain("SERVICE_TOKEN: is required");
    expect((error as EnvError).code).toBe("ENV_INVALID");
  });

  test("treats an empty variable as unset", () => {
    expect(readEnv(serviceEnv, { SERVICE_TOKEN: token, REDIS_URL: "" }).REDIS_URL).toBeUndefined();
  });

  test("refuses a service token shorter than 32 characters", () => {
    expect(() => readEnv(serviceEnv, { SERVICE_TOKEN: "short" })).toThrow(EnvError);
  });
});
