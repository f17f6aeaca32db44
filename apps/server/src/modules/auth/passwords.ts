import { hash, verify } from "@node-rs/argon2";

// OWASP Password Storage Cheat Sheet: Argon2id, m = 19 MiB, t = 2, p = 1.
// algorithm 2 = Argon2id (the package exports it as a const enum, which isolatedModules cannot inline).
const params = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string): Promise<string> => hash(password, params);

let dummyHash: Promise<string> | undefined;

/**
 * Verifies a password against a PHC string. With no hash (unknown user, or a user without a password)
 * it still spends one verification, so the response time does not reveal which usernames exist.
 */
export async function verifyPassword(phc: string | null | undefined, password: string): Promise<boolean> {
  if (!phc) {
    dummyHash ??= hashPassword("cisisk-timing-equaliser");
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return verify(phc, password).catch(() => false);
}
