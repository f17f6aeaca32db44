import { jwtVerify, SignJWT } from "jose";

const ISSUER = "cisisk";
/** Not the console's audience: a self-service token is refused by the console API, and the other way round. */
const AUDIENCE = "cisisk-account";

/** Short-lived HS256 JWTs of self-service sessions (`sid` ties each to its session row). */
export function createAccountTokens(secret: string, ttlSeconds: number) {
  const key = new TextEncoder().encode(`${secret}:account`);
  return {
    ttlSeconds,
    async sign(userId: string, sessionId: string): Promise<string> {
      return new SignJWT({ sid: sessionId })
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setSubject(userId)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(key);
    },
    async verify(token: string): Promise<{ userId: string; sessionId: string } | null> {
      try {
        const { payload } = await jwtVerify(token, key, { issuer: ISSUER, audience: AUDIENCE, algorithms: ["HS256"] });
        if (typeof payload.sub !== "string" || typeof payload.sid !== "string") return null;
        return { userId: payload.sub, sessionId: payload.sid };
      } catch {
        return null;
      }
    },
  };
}
export type AccountTokens = ReturnType<typeof createAccountTokens>;
