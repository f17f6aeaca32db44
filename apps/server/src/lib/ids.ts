import { createHash, randomBytes, randomUUID } from "node:crypto";

export const newId = (): string => randomUUID();
/** 256-bit opaque token, URL-safe. */
export const newOpaqueToken = (): string => randomBytes(32).toString("base64url");
export const sha256Hex = (value: string): string => createHash("sha256").update(value).digest("hex");
/** A password nobody has to type: 20 chars from an unambiguous alphabet (~115 bits). */
export function generatePassword(length = 20): string {
  const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  const bytes = randomBytes(length * 2);
  let out = "";
  for (let i = 0; out.length < length; i++) {
    const b = bytes[i % bytes.length]!;
    if (b < 256 - (256 % alphabet.length)) out += alphabet[b % alphabet.length];
    if (i > length * 8) break;
  }
  return out;
}
