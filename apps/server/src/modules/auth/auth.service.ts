import {
  SUPERADMIN_LEVEL,
  type AuthToken,
  type ListQuery,
  type ListResponse,
  type LoginResponse,
  type SignInList,
  type SignInListQuery,
  type User,
} from "@cisisk/contract";
import type { AdminSession } from "../../http/principals.js";
import { Forbidden, InvalidCredentials, NotFound, RateLimited, Unauthenticated } from "../../errors.js";
import { newOpaqueToken, sha256Hex } from "../../lib/ids.js";
import { addSeconds, iso, type Clock } from "../../lib/time.js";
import type { UsersService } from "../users/users.service.js";
import type { SecuritySettingsService } from "../settings/security-settings.service.js";
import type { AccessTokens } from "./access-tokens.js";
import type { AuthRepository, SignInResult } from "./auth.repository.js";
import { createVerifiedPasswords, verifyPassword } from "./passwords.js";
import { throttleKey, type Throttle } from "../../throttle/throttle.js";

export interface AuthServiceDeps {
  repo: AuthRepository;
  users: UsersService;
  accessTokens: AccessTokens;
  throttle: Throttle;
  clock: Clock;
  security: Pick<SecuritySettingsService, "policy" | "allows">;
  /** Mails a security notice to the admin email addresses of the security settings (failures are logged). */
  notify(subject: string, text: string): Promise<void>;
  settings: {
    loginWindowSeconds: number;
    /** Failures per account from all addresses; beyond it only a clean address gets its password checked. */
    loginMaxFailuresPerAccount: number;
    /** Failures per (account, address) before that address waits; the wait grows with more failures. */
    loginMaxFailuresPerAccountAddress: number;
    loginMaxFailuresPerIp: number;
    loginHistoryDays: number;
  };
}

export interface ClientInfo {
  ip: string;
  userAgent: string | null;
}

/** A gate passed: call `succeeded` when the credentials were right (failures stay counted). */
interface Gate {
  succeeded(): Promise<void>;
}

/**
 * A refresh token unused for a week dies (an idle laptop's login ends) while an active console keeps refreshing
 * until the session's absolute end; each rotation slides the idle window, never the session.
 */
const REFRESH_IDLE_SECONDS = 7 * 86_400;
/** A session's last use is written at most this often (the token table's resolution). */
const SESSION_TOUCH_MS = 60_000;
/** HTTP Basic: one sign-in line per account and address in this many seconds. */
const BASIC_SIGN_IN_LOG_SECONDS = 60;

function refreshExpiry(now: Date, sessionExpiresAt: string): string {
  const idle = iso(addSeconds(now, REFRESH_IDLE_SECONDS));
  return idle < sessionExpiresAt ? idle : sessionExpiresAt;
}

export function createAuthService(deps: AuthServiceDeps) {
  const { repo, users, accessTokens, clock, settings, throttle, security } = deps;
  const W = settings.loginWindowSeconds;
  const L = settings.loginMaxFailuresPerAccountAddress;
  // Growing waits for one attacking address: L failures wait out W, 2L wait 4W, 4L wait 16W.
  const pairTiers = [
    { limit: L, windowSeconds: W },
    { limit: 2 * L, windowSeconds: 4 * W },
    { limit: 4 * L, windowSeconds: 16 * W },
  ];

  const basicPasswords = createVerifiedPasswords({ max: 1_000, ttlMs: 5 * 60_000 });
  const record = (username: string, client: ClientInfo, method: string, result: SignInResult) =>
    repo.recordLoginAttempt({ username, ip: client.ip, userAgent: client.userAgent, method, result, at: iso(clock()) });

  async function lockoutNotice(usernameKey: string, ip: string): Promise<void> {
    // One notice per account and address per window, however long the attack goes on.
    const once = await throttle.attempt([
      { key: throttleKey("notice", "lockout", usernameKey, ip), limit: 1, windowSeconds: 16 * W },
    ]);
    if (once.ok)
      await deps.notify(
        "Cisisk: sign-in attempts blocked",
        `Repeated failed sign-ins to the account "${usernameKey}" from ${ip} are being refused for a while.`,
      );
  }

  /**
   * The throttle, before any password is checked. Per (account, address) with growing waits, per address
   * across accounts, and per account: when the account has too many failures, an address that has not failed
   * itself still gets its password checked, so an attacker elsewhere cannot lock the admin out. Every attempt
   * takes its slot atomically, so parallel guesses cannot slip past a limit.
   */
  async function gate(usernameKey: string, client: ClientInfo, username: string, method: string): Promise<Gate> {
    const pairKeys = pairTiers.map((_, i) => throttleKey("login", "pair", String(i), usernameKey, client.ip));
    const ipKey = throttleKey("login", "ip", client.ip);
    // Longest tier first: a refusal reports the longest wait that applies.
    const local = await throttle.attempt([
      ...pairTiers.map((t, i) => ({ key: pairKeys[i]!, ...t })).reverse(),
      { key: ipKey, limit: settings.loginMaxFailuresPerIp, windowSeconds: W },
    ]);
    if (!local.ok) {
      await record(username, client, method, "rate_limited");
      await lockoutNotice(usernameKey, client.ip);
      throw new RateLimited(local.retryAfterSeconds);
    }
    const account = await throttle.attempt([
      {
        key: throttleKey("login", "account", usernameKey),
        limit: settings.loginMaxFailuresPerAccount,
        windowSeconds: W,
      },
    ]);
    if (!account.ok) {
      // The account is under attack. A clean address (at most one earlier failure of its own) still gets its check.
      const own = await throttle.count(pairKeys[pairKeys.length - 1]!);
      const fromIp = await throttle.count(ipKey);
      if (own > 2 || fromIp > 2) {
        await local.succeeded(); // refused, not tried: this attempt does not count
        await record(username, client, method, "rate_limited");
        throw new RateLimited(account.retryAfterSeconds);
      }
    }
    return {
      async succeeded() {
        await local.succeeded({ reset: pairKeys });
        if (account.ok) await account.succeeded();
      },
    };
  }

  /** Checks a name and password (console login, HTTP Basic): allow-list first, then throttle, then password. */
  async function checkPassword(
    username: string,
    password: string,
    client: ClientInfo,
    method: string,
    verify: typeof verifyPassword = verifyPassword,
  ) {
    const usernameKey = username.toLowerCase();
    if (!(await security.allows(client.ip))) {
      // A blocked address learns nothing, not even whether the password was right.
      await record(username, client, method, "not_allowed_network");
      throw new InvalidCredentials();
    }
    const passed = await gate(usernameKey, client, username, method);
    const found = await users.findCredentialsByUsername(username);
    // Usernames are case-sensitive for login (as on the PBX), though unique case-insensitively.
    const sameSpelling = found?.user.username === username;
    const passwordOk = await verify(sameSpelling ? found?.passwordHash : null, password);
    if (!found || !passwordOk || !found.user.activated) {
      await record(username, client, method, "bad_credentials");
      throw new InvalidCredentials();
    }
    // The right password is not a failure; and it forgives this address's earlier ones.
    await passed.succeeded();
    if (found.user.level !== SUPERADMIN_LEVEL) {
      // The same 401 as a wrong password: nobody learns which passwords of lower users are right.
      await record(username, client, method, "no_console_access");
      throw new InvalidCredentials();
    }
    return found.user;
  }

  async function signedIn(user: User, client: ClientInfo, method: string): Promise<void> {
    const now = clock();
    const known = await repo.hasSignedInFrom(user.username.toLowerCase(), client.ip);
    await record(user.username, client, method, "ok");
    if (!known)
      await deps.notify(
        "Cisisk: sign-in from a new address",
        `The account "${user.username}" signed in from ${client.ip} (${client.userAgent ?? "unknown browser"}) at ${iso(now)} (${method}).`,
      );
    await repo.pruneLoginAttempts(iso(addSeconds(now, -settings.loginHistoryDays * 86_400)));
  }

  async function issueTokens(userId: string, sessionId: string, refreshToken: string) {
    const { accessTokenTtlSeconds } = await security.policy();
    return {
      accessToken: await accessTokens.sign({ userId, sessionId }, accessTokenTtlSeconds),
      refreshToken,
      tokenType: "Bearer" as const,
      expiresIn: accessTokenTtlSeconds,
    };
  }

  /** The session's absolute lifetime: a login lasts `tokenValidityDays` at most, however often it refreshes. */
  async function sessionTtlSeconds() {
    return (await security.policy()).tokenValidityDays * 86_400;
  }

  /** A new login: a session (the refresh-token family, a row of the token table) and its first token pair. */
  async function startSession(user: User, client: ClientInfo): Promise<LoginResponse> {
    const now = clock();
    const refreshToken = newOpaqueToken();
    const expiresAt = iso(addSeconds(now, await sessionTtlSeconds()));
    const sessionId = await repo.createSession(
      { userId: user.id, kind: "session", ip: client.ip, userAgent: client.userAgent, now: iso(now), expiresAt },
      { tokenHash: sha256Hex(refreshToken), expiresAt: refreshExpiry(now, expiresAt) },
    );
    return { ...(await issueTokens(user.id, sessionId, refreshToken)), user };
  }

  return {
    async login(username: string, password: string, client: ClientInfo): Promise<LoginResponse> {
      const user = await checkPassword(username, password, client, "password");
      await signedIn(user, client, "password");
      return startSession(user, client);
    },

    /** For passkey login (passkeys.ts): the allow-list and the log apply as to passwords. */
    async loginWithVerifiedUser(user: User, client: ClientInfo): Promise<LoginResponse> {
      await signedIn(user, client, "passkey");
      return startSession(user, client);
    },
    recordFailure: (username: string, client: ClientInfo, method: string, result: SignInResult) =>
      record(username, client, method, result),

    /** Rotates the refresh token. Presenting an already-rotated token revokes its whole family. */
    async refresh(refreshToken: string, client: ClientInfo) {
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
      if (!(await security.allows(client.ip))) throw new Unauthenticated("not allowed from this address");
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
        expiresAt: refreshExpiry(now, session.expiresAt),
      });
      if (!rotated) {
        // Someone rotated it between our read and our write: that is reuse too.
        await repo.revokeSession(session.id, iso(now), "refresh_token_reuse");
        throw new Unauthenticated("refresh token was already used; the session has been ended");
      }
      return issueTokens(user.id, session.id, next);
    },

    /** Ends the bearer token's session, and the refresh token's (body or cookie) when one is given. */
    async logout(principal: AdminSession | null, refreshToken: string | undefined): Promise<void> {
      const now = iso(clock());
      if (principal?.sessionId) await repo.revokeSession(principal.sessionId, now, "logout");
      if (refreshToken) {
        const row = await repo.findRefreshToken(sha256Hex(refreshToken));
        if (row) await repo.revokeSession(row.session_id, now, "logout");
      }
    },

    /**
     * Resolves a bearer token to a live session of an active superadmin, or fails with 401. The session is
     * read on every request, so a deleted token-table row ends its access tokens at once.
     */
    async authenticate(accessToken: string, ip: string): Promise<AdminSession> {
      const claims = await accessTokens.verify(accessToken);
      if (!claims) throw new Unauthenticated("invalid or expired access token");
      // Read at once: every API call waits for these, so one round trip instead of three.
      const [session, allowed, user] = await Promise.all([
        repo.findSession(claims.sessionId),
        security.allows(ip),
        users.get(claims.userId).catch(() => undefined),
      ]);
      const now = clock();
      if (!session || session.revokedAt || session.userId !== claims.userId || session.expiresAt <= iso(now))
        throw new Unauthenticated("session has ended");
      if (!allowed) throw new Unauthenticated("not allowed from this address");
      if (!user || !user.activated || user.level !== SUPERADMIN_LEVEL) throw new Unauthenticated("session has ended");
      // The token table shows use to the minute: a session used in the last minute needs no write.
      const staleBefore = now.getTime() - SESSION_TOUCH_MS;
      if (Date.parse(session.lastUsedAt) < staleBefore)
        await repo.touchSession(session.id, iso(now), ip, iso(new Date(staleBefore)));
      return { kind: "admin_session", user, sessionId: session.id };
    },

    /** HTTP Basic with a superadmin's name and password, when the security settings allow it (else null). */
    async authenticateBasic(header: string | undefined, client: ClientInfo): Promise<AdminSession | null> {
      const [scheme, encoded] = (header ?? "").split(" ", 2);
      if (scheme?.toLowerCase() !== "basic" || !encoded) return null;
      if (!(await security.policy()).apiBasicAuth) return null;
      const decoded = Buffer.from(encoded.trim(), "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      if (colon <= 0) throw new InvalidCredentials();
      // The lockout gate runs as for any sign-in; a password this server verified lately skips argon2.
      const user = await checkPassword(decoded.slice(0, colon), decoded.slice(colon + 1), client, "basic", (h, p) =>
        basicPasswords.verify(h, p),
      );
      // An API client signs in on every call: the sign-in log keeps one line a minute per account and address.
      const since = iso(addSeconds(clock(), -BASIC_SIGN_IN_LOG_SECONDS));
      if (!(await repo.hasSignedInFrom(user.username.toLowerCase(), client.ip, { method: "basic", since })))
        await record(user.username, client, "basic", "ok");
      return { kind: "admin_session", user, sessionId: "" };
    },

    /** Own password change: the current password is required; every other session ends. */
    async changePassword(principal: AdminSession, currentPassword: string, newPassword: string, client: ClientInfo) {
      const { user } = principal;
      const passed = await gate(user.username.toLowerCase(), client, user.username, "password_change");
      if (!(await verifyPassword(await users.passwordHashOf(user.id), currentPassword))) {
        await record(user.username, client, "password_change", "bad_credentials");
        throw new Forbidden("the current password is wrong", { field: "currentPassword" });
      }
      await passed.succeeded();
      await users.setPassword(user.id, newPassword);
      await repo.revokeUserSessions(user.id, iso(clock()), "password_changed", principal.sessionId || undefined);
      await deps.notify(
        "Cisisk: password changed",
        `The password of "${user.username}" was changed from ${client.ip}.`,
      );
    },

    /** The token and passkey table of the logged-in user. */
    async tokens(principal: AdminSession, q: ListQuery): Promise<ListResponse<AuthToken>> {
      const { rows, total, page, nextCursor } = await repo.listTokens(principal.user.id, iso(clock()), q);
      const data = rows.map((r) => ({ ...r, current: r.kind === "session" && r.id === principal.sessionId }));
      return { data, total, page, pageSize: q.pageSize, nextCursor };
    },

    /** Deletes a row of the table: a session ends at once (its access tokens fail on the next request). */
    async deleteToken(principal: AdminSession, id: string): Promise<void> {
      const session = await repo.findSession(id);
      if (session && session.userId === principal.user.id) {
        await repo.revokeSession(id, iso(clock()), "deleted");
        return;
      }
      if (await repo.deletePasskey(id, principal.user.id)) return;
      throw new NotFound("token", { id });
    },

    async signIns(q: SignInListQuery): Promise<SignInList> {
      const { rows, total, page, nextCursor } = await repo.listLoginAttempts(q);
      return { data: rows, total, page, pageSize: q.pageSize, nextCursor };
    },

    endSessionsOf: (userId: string, reason: string) => repo.revokeUserSessions(userId, iso(clock()), reason),
  };
}
export type AuthService = ReturnType<typeof createAuthService>;
