import { exportJWK, generateKeyPair, type JSONWebKeySet } from "jose";
import { signAccessToken } from "../auth/access-token";
import { DEFAULT_AUDIENCE, DEFAULT_ISSUER } from "../auth/claims";
import type { UserRole } from "../auth/roles";
import { createServiceTokenSigner } from "../auth/service-token";
import type { UserTokenOptions } from "../auth/verifier";
import { testServiceToken } from "./platform-deps";

/**
 * A throwaway user-token issuer for tests: an Ed25519 key pair published as an in-process key set,
 * `users` to pass as `PlatformDeps.auth`, and `bearer(role)` for `Authorization` headers.
 *
 * @example
 * const auth = await createTestAuth();
 * const { app } = createApp({ ...testPlatformDeps({ auth: auth.users }) });
 * await app.handle(new Request(url, { headers: { authorization: await auth.bearer("viewer") } }));
 */
export async function createTestAuth() {
  const { privateKey, publicKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  const kid = `test-${crypto.randomUUID().slice(0, 8)}`;
  const jwks: JSONWebKeySet = { keys: [{ ...(await exportJWK(publicKey)), kid, alg: "EdDSA", use: "sig" }] };
  const users: UserTokenOptions = { keys: () => jwks, issuer: DEFAULT_ISSUER, audience: DEFAULT_AUDIENCE };
  const token = (role: UserRole, name = `${role}-user`) =>
    signAccessToken({
      key: privateKey,
      kid,
      issuer: DEFAULT_ISSUER,
      audience: DEFAULT_AUDIENCE,
      subject: `user-${name}`,
      name,
      role,
    });
  return {
    users,
    jwks,
    privateKey,
    publicKey,
    kid,
    token,
    bearer: async (role: UserRole) => `Bearer ${await token(role)}`,
  };
}

export type TestAuth = Awaited<ReturnType<typeof createTestAuth>>;

const signer = createServiceTokenSigner({ secret: testServiceToken, subject: "test" });

/** `Bearer <service token>` for {@link testServiceToken}, as registry writes and service calls need. */
export async function testServiceBearer(): Promise<string> {
  return `Bearer ${await signer.token()}`;
}
