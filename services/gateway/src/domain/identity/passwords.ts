import { WeakPasswordError } from "./errors";

export const MIN_PASSWORD_LENGTH = 12;
const ARGON2 = { algorithm: "argon2id", memoryCost: 19_456, timeCost: 2 } as const;

/** An argon2id hash (OWASP's minimum: 19 MiB, 2 passes). */
export function hashPassword(password: string): Promise<string> {
  if (password.length < MIN_PASSWORD_LENGTH) throw new WeakPasswordError(MIN_PASSWORD_LENGTH);
  return Bun.password.hash(password, ARGON2);
}

// Verified against when the user does not exist, so a wrong name costs as long as a wrong password.
let dummy: Promise<string> | undefined;

/** Whether `password` matches `hash`; with no hash, burns the same time and answers false. */
export async function verifyPassword(password: string, hash: string | undefined): Promise<boolean> {
  if (hash) return Bun.password.verify(password, hash);
  dummy ??= Bun.password.hash(crypto.randomUUID(), ARGON2);
  await Bun.password.verify(password, await dummy);
  return false;
}

/** A random password for the first admin: 24 bytes, base64url. */
export function generatePassword(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString("base64url");
}
