import { jwtVerify, SignJWT } from "jose";

export interface AccessClaims {
  userId: string;
  sessionId: string;
}

const ISSUER = "cisisk";
const AUDIENCE = "cisisk-console";

/** Short-lived HS256 JWTs; `sid` ties each to a session row, so revoking the session ends it at once. */
export function createAccessTokens(secret: string) {
  const key = new TextEncoder().encode(secret);
  return {
    async sign(claims: AccessClaims, ttlSeconds: number): Promise<string> {
      return new SignJWT({ sid: claims.sessionId })
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setSubject(claims.userId)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(key);
    },
    /** Returns null for anything that is not a valid, unexpired token of ours (exp, iat, aud and iss required). */
    async verify(token: string): Promise<AccessClaims | null> {
      try {
        const { payload } = await jwtVerify(token, key, {
          issuer: ISSUER,
          audience: AUDIENCE,
          algorithms: ["HS256"],
          // A token without an expiry would be good for ever: every one of ours carries all of these.
          requiredClaims: ["exp", "iat", "iss", "aud", "sub"],
        });
        if (typeof payload.sub !== "string" || typeof payload.sid !== "string") return null;
        return { userId: payload.sub, sessionId: payload.sid };
      } catch {
        return null;
      }
    },
  };
}
export type AccessTokens = ReturnType<typeof createAccessTokens>;
