import { SUPERADMIN_LEVEL, type LoginResponse } from "@cisisk/contract";
import type { AdminSession } from "../../http/principals.js";
import { Forbidden, InvalidCredentials, RateLimited, Unauthenticated } from "../../errors.js";
import { newOpaqueToken, sha256Hex } from "../../lib/ids.js";
import { addSeconds, iso, type Clock } from "../../lib/time.js";
import type { UsersService } from "../users/users.service.js";
import type { AccessTokens } from "./access-tokens.js";
import type { AuthRepository } from "./auth.repository.js";
import { verifyPassword } from "./passwords.js";
import { throttleKey, type Throttle } from "../../throttle/throttle.js";

export interface AuthServiceDeps {
  repo: AuthRepository;
  users: UsersService;
  accessTokens: AccessTokens;
  throttle: Throttle;
  clock: Clock;
  settings: {
    refreshTokenTtlDays: number;
    loginWindowSeconds: number;
    loginMaxFailuresPerAccount: number;
    loginMaxFailuresPerIp: number;
  };
}

export interface ClientInfo {
  ip: string;
  userAgent: string | null;
}

export function createAuthService(deps: AuthServiceDeps) {
  const { repo, users, accessTokens, clock, settings, throttle } = deps;
  const refreshTtlSeconds = settings.refreshTokenTtlDays * 86_400;

  /**
   * 429 before the password is even checked, per account and per source address; each attempt takes its
   * slot atomically, so parallel guesses cannot all slip under the limit.
   */
  async function countAttempt(usernameKey: string, ip: string) {
    const verdict = await throttle.attempt([
      {
        key: throttleKey("login", "account", usernameKey),
        limit: settings.loginMaxFailuresPerAccount,
        windowSeconds: settings.loginWindowSeconds,
      },
      {
        key: throttleKey("login", "ip", ip),
        limit: settings.loginMaxFailuresPerIp,
        windowSeconds: settings.loginWindowSeconds,
      },
    ]);
    if (!verdict.ok) throw new RateLimited(verdict.retryAfterSeconds);
    return verdict;
  }

  async function issueTokens(userId: string, sessionId: string, refreshToken: string) {
    return {
      accessToken: await accessTokens.sign({ userId, sessionId }),
      refreshToken,
      tokenType: "Bearer" as const,
      expiresIn: accessTokens.ttlSeconds,
    };
  }

  return {
    async login(username: string, password: string, client: ClientInfo): Promise<LoginResponse> {
      const now = clock();
      const usernameKey = username.toLowerCase();
      const attempt = await countAttempt(usernameKey, client.ip);

      const found = await users.findCredentialsByUsername(username);
      // Usernames are case-sensitive for login (as on the PBX), though unique case-insensitively.
      const sameSpelling = found?.user.username === username;
      const passwordOk = await verifyPassword(sameSpelling ? found?.passwordHash : null, password);
      await repo.recordLoginAttempt({ usernameKey, ip: client.ip, succeeded: passwordOk, at: iso(now) });
      if (!found || !passwordOk || !found.user.activated) throw new InvalidCredentials();
      // The right password is not a failure, and forgives the account's earlier ones.
      await attempt.succeeded({ reset: [throttleKey("login", "account", usernameKey)] });
      // The password was right: only now may we say the account has no console access.
      if (found.user.level !== SUPERADMIN_LEVEL) throw new Forbidden("only superadmins (level 0) may use the console");

      // Attempts only matter inside the throttle window; keep the table small.
      await repo.pruneLoginAttempts(iso(addSeconds(now, -Math.max(86_400, settings.loginWindowSeconds))));
      const refreshToken = newOpaqueToken();
      const expiresAt = iso(addSeconds(now, refreshTtlSeconds));
      const sessionId = await repo.createSession(
        {
          userId: found.user.id,
          kind: "session",
          ip: client.ip,
          userAgent: client.userAgent,
          now: iso(now),
          expiresAt,
        },
        { tokenHash: sha256Hex(refreshToken), expiresAt },
      );
      return { ...(await issueTokens(found.user.id, sessionId, refreshToken)), user: found.user };
    },

    /** Rotates the refresh token. Presenting an already-rotated token revokes its whole family. */
    async refresh(refreshToken: string) {
      const now = clock();
      const tokenHash = sha256Hex(refreshToken);
      const row = await repo.findRefreshToken(tokenHash);
      if (!row) throw new Unauthenticated("invalid refresh token");
      const session = await repo.findSession(row.session_id);
      if (!session || session.revokedAt) throw new Unauthenticated("session has ended");
      if (row.rotated_at) {
        await repo.revokeSession(session.id, iso(now), "refresh_token_reuse");
        throw new Unauthenticated("refresh token was already used; the session has been ended");
      }
      if (row.expires_at <= iso(now) || session.expiresAt <= iso(now)) throw new Unauthenticated("session has expired");
      const user = await users.get(session.userId).catch(() => undefined);
      if (!user || !user.activated || user.level !== SUPERADMIN_LEVEL) {
        await repo.revokeSession(session.id, iso(now), "access_lost");
        throw new Unauthenticated("session has ended");
      }
      const next = newOpaqueToken();
      const rotated = await repo.rotateRefreshToken(tokenHash, {
        tokenHash: sha256Hex(next),
        sessionId: session.id,
        now: iso(now),
        expiresAt: iso(addSeconds(now, refreshTtlSeconds)),
      });
      if (!rotated) {
        // Someone rotated it between our read and our write: that is reuse too.
        await repo.revokeSession(session.id, iso(now), "refresh_token_reuse");
        throw new Unauthenticated("refresh token was already used; the session has been ended");
      }
      return issueTokens(user.id, session.id, next);
    },

    async logout(principal: AdminSession | null, refreshToken: string | undefined): Promise<void> {
      const now = iso(clock());
      if (principal) await repo.revokeSession(principal.sessionId, now, "logout");
      if (refreshToken) {
        const row = await repo.findRefreshToken(sha256Hex(refreshToken));
        if (row) await repo.revokeSession(row.session_id, now, "logout");
      }
    },

    /** Resolves a bearer token to a live session of an active superadmin, or fails with 401. */
    async authenticate(accessToken: string): Promise<AdminSession> {
      const claims = await accessTokens.verify(accessToken);
      if (!claims) throw new Unauthenticated("invalid or expired access token");
      const session = await repo.findSession(claims.sessionId);
      if (!session || session.revokedAt || session.userId !== claims.userId)
        throw new Unauthenticated("session has ended");
      const user = await users.get(claims.userId).catch(() => undefined);
      if (!user || !user.activated) throw new Unauthenticated("session has ended");
      if (user.level !== SUPERADMIN_LEVEL) throw new Forbidden("only superadmins (level 0) may use the console");
      return { kind: "admin_session", user, sessionId: session.id };
    },

    endSessionsOf: (userId: string, reason: string) => repo.revokeUserSessions(userId, iso(clock()), reason),
  };
}
export type AuthService = ReturnType<typeof createAuthService>;
