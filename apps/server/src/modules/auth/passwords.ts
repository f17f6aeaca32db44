import { hash, verify } from "@node-rs/argon2";
import { createHmac, randomBytes } from "node:crypto";

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

/**
 * Remembers passwords already verified against a hash, for a caller that presents the same password on every
 * request (HTTP Basic), where argon2's deliberate cost (~19 MiB and tens of milliseconds of CPU) would be paid on
 * each call. Entries are an HMAC, under a random key of this process, of hash and password, so the map holds
 * neither; a changed password has another hash and misses. Only successes are kept: a wrong password always pays
 * for argon2. A memo of a pure function: servers sharing a database need not agree on it.
 */
export function createVerifiedPasswords(options: { max: number; ttlMs: number }) {
  const key = randomBytes(32);
  const verifiedAt = new Map<string, number>(); // insertion order: oldest first
  return {
    async verify(phc: string | null | undefined, password: string): Promise<boolean> {
      if (!phc) return verifyPassword(phc, password);
      const id = createHmac("sha256", key).update(phc).update("\0").update(password).digest("base64url");
      const at = verifiedAt.get(id);
      if (at !== undefined && Date.now() - at < options.ttlMs) return true;
      const ok = await verifyPassword(phc, password);
      verifiedAt.delete(id);
      if (ok) {
        verifiedAt.set(id, Date.now());
        if (verifiedAt.size > options.max) verifiedAt.delete(verifiedAt.keys().next().value!);
      }
      return ok;
    },
  };
}
