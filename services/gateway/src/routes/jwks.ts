import { withRole } from "@diana/core/auth";
import { Elysia, t } from "elysia";
import type { Identity } from "../domain/identity/identity";

const JwkSchema = t.Object(
  { kty: t.String(), crv: t.String(), x: t.String(), kid: t.String(), alg: t.String(), use: t.String() },
  { additionalProperties: true },
);

/** `/.well-known/jwks.json`: the public keys of access tokens, retired ones until their tokens expire. */
export function jwksRoutes(identity: Identity) {
  return new Elysia({ name: "gateway:jwks" }).get(
    "/.well-known/jwks.json",
    async ({ set }) => {
      set.headers["cache-control"] = "public, max-age=60";
      return (await identity.jwks()) as { keys: Array<typeof JwkSchema.static> };
    },
    {
      response: t.Object({ keys: t.Array(JwkSchema) }),
      detail: withRole("public", { tags: ["auth"], summary: "Public keys of access tokens (RFC 7517)" }),
    },
  );
}
