import { sql, type Kysely } from "kysely";
import { planSortedPage, readPage } from "../../db/keyset.js";
import { inTransaction } from "../../db/transaction.js";
import type { Database } from "../../db/schema.js";
import { newId } from "../../lib/ids.js";
import { ilike, likePattern } from "../../lib/list-query.js";
import type { ListQuery, SignInEvent, SignInListQuery } from "@cisisk/contract";

export type SignInResult = SignInEvent["result"];

export interface SessionRow {
  id: string;
  userId: string;
  kind: string;
  ip: string | null;
  userAgent: string | null;
  createdAt: string;
  lastUsedAt: string;
  expiresAt: string;
  revokedAt: string | null;
}

/** Sign-ins sort by a column, then newest or oldest first (migration 0022 has each as one index). */
const signInSorts = {
  at: [{ ref: "at" }],
  username: [{ ref: "username_key" }, { ref: "at" }],
  ip: [{ ref: "ip" }, { ref: "at" }],
  result: [{ ref: "result", nullable: true }, { ref: "at" }],
};

const tokenSorts = {
  createdAt: [{ ref: "t.created_at" }],
  lastUsedAt: [{ ref: "t.last_used_at", nullable: true }],
};

export interface TokenRow {
  id: string;
  kind: "session" | "passkey";
  name: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  ip: string | null;
  userAgent: string | null;
  expiresAt: string | null;
}

/** The columns both kinds of token-table row share; `name` and `expiresAt` name a column, or null for none. */
function tokenColumns(kind: TokenRow["kind"], own: { name: string | null; expiresAt: string | null }) {
  const column = (c: string | null) => (c ? sql<string | null>`${sql.ref(c)}` : sql<string | null>`null`);
  return [
    sql<string>`id`.as("id"),
    sql<TokenRow["kind"]>`${sql.lit(kind)}`.as("kind"),
    column(own.name).as("name"),
    sql<string>`created_at`.as("created_at"),
    sql<string | null>`last_used_at`.as("last_used_at"),
    sql<string | null>`ip`.as("ip"),
    sql<string | null>`user_agent`.as("user_agent"),
    column(own.expiresAt).as("expires_at"),
  ];
}

export function createAuthRepository(
  db: Kysely<
    Pick<Database, "auth_sessions" | "refresh_tokens" | "login_attempts" | "passkeys" | "webauthn_challenges">
  >,
) {
  return {
    async createSession(
      s: { userId: string; kind: string; ip: string | null; userAgent: string | null; now: string; expiresAt: string },
      refresh: { tokenHash: string; expiresAt: string },
    ): Promise<string> {
      const id = newId();
      await inTransaction(db, async (trx) => {
        await trx
          .insertInto("auth_sessions")
          .values({
            id,
            user_id: s.userId,
            kind: s.kind,
            ip: s.ip,
            user_agent: s.userAgent?.slice(0, 512) ?? null,
            created_at: s.now,
            last_used_at: s.now,
            expires_at: s.expiresAt,
            revoked_at: null,
            revoked_reason: null,
          })
          .execute();
        await trx
          .insertInto("refresh_tokens")
          .values({
            token_hash: refresh.tokenHash,
            session_id: id,
            created_at: s.now,
            expires_at: refresh.expiresAt,
            rotated_at: null,
          })
          .execute();
      });
      return id;
    },

    async findSession(id: string): Promise<SessionRow | undefined> {
      const r = await db.selectFrom("auth_sessions").selectAll().where("id", "=", id).executeTakeFirst();
      return r && toSession(r);
    },

    async findRefreshToken(tokenHash: string) {
      return db.selectFrom("refresh_tokens").selectAll().where("token_hash", "=", tokenHash).executeTakeFirst();
    },

    /**
     * Marks the old token rotated and stores its successor, only if nobody rotated it first
     * (the conditional update makes two racing refreshes with one token end in one winner).
     */
    async rotateRefreshToken(
      oldHash: string,
      next: { tokenHash: string; sessionId: string; now: string; expiresAt: string },
    ): Promise<boolean> {
      return inTransaction(db, async (trx) => {
        const res = await trx
          .updateTable("refresh_tokens")
          .set({ rotated_at: next.now })
          .where("token_hash", "=", oldHash)
          .where("rotated_at", "is", null)
          .executeTakeFirst();
        if (Number(res.numUpdatedRows) !== 1) return false;
        await trx
          .insertInto("refresh_tokens")
          .values({
            token_hash: next.tokenHash,
            session_id: next.sessionId,
            created_at: next.now,
            expires_at: next.expiresAt,
            rotated_at: null,
          })
          .execute();
        await trx
          .updateTable("auth_sessions")
          .set({ last_used_at: next.now })
          .where("id", "=", next.sessionId)
          .execute();
        return true;
      });
    },

    async revokeSession(id: string, now: string, reason: string): Promise<void> {
      await db
        .updateTable("auth_sessions")
        .set({ revoked_at: now, revoked_reason: reason })
        .where("id", "=", id)
        .where("revoked_at", "is", null)
        .execute();
    },

    async revokeUserSessions(userId: string, now: string, reason: string, exceptSessionId?: string): Promise<void> {
      let q = db
        .updateTable("auth_sessions")
        .set({ revoked_at: now, revoked_reason: reason })
        .where("user_id", "=", userId)
        .where("revoked_at", "is", null);
      if (exceptSessionId) q = q.where("id", "!=", exceptSessionId);
      await q.execute();
    },

    /** The sign-in log (the throttle counts attempts apart, in throttle_counters). */
    async recordLoginAttempt(a: {
      username: string;
      ip: string;
      userAgent: string | null;
      method: string;
      result: SignInResult;
      at: string;
    }): Promise<void> {
      await db
        .insertInto("login_attempts")
        .values({
          id: newId(),
          username_key: a.username.toLowerCase().slice(0, 64),
          username: a.username.slice(0, 128),
          ip: a.ip,
          user_agent: a.userAgent?.slice(0, 512) ?? null,
          method: a.method,
          result: a.result,
          succeeded: a.result === "ok" ? 1 : 0,
          at: a.at,
        })
        .execute();
    },

    /** Whether this account has signed in successfully from this address before. */
    /** Whether the account ever signed in from `ip` (or, narrowed, by `method` since `since`). */
    async hasSignedInFrom(
      usernameKey: string,
      ip: string,
      narrowed?: { method: string; since: string },
    ): Promise<boolean> {
      let q = db
        .selectFrom("login_attempts")
        .select("id")
        .where("username_key", "=", usernameKey)
        .where("ip", "=", ip)
        .where("succeeded", "=", 1);
      if (narrowed) q = q.where("at", ">=", narrowed.since).where("method", "=", narrowed.method);
      return (await q.limit(1).executeTakeFirst()) !== undefined;
    },

    async listLoginAttempts(
      q: SignInListQuery,
    ): Promise<{ rows: SignInEvent[]; total: number; page: number; nextCursor: string | null }> {
      let base = db.selectFrom("login_attempts");
      if (q.username) base = base.where("username_key", "=", q.username.toLowerCase());
      if (q.ip) base = base.where("ip", "=", q.ip);
      if (q.result) base = base.where("result", "=", q.result);
      if (q.from) base = base.where("at", ">=", new Date(q.from).toISOString());
      if (q.to) base = base.where("at", "<=", new Date(q.to).toISOString());
      if (q.q) {
        const p = likePattern(q.q);
        base = base.where((eb) => eb.or([ilike("username_key", p), ilike("ip", p)]));
      }
      const plan = planSortedPage(db, q, { sorts: signInSorts, defaultSort: "-at", id: "id" });
      return readPage(base.selectAll(), plan, toSignInEvent);
    },

    async pruneLoginAttempts(before: string): Promise<void> {
      await db.deleteFrom("login_attempts").where("at", "<", before).execute();
    },

    /**
     * The token table of a user: their live sessions and their passkeys, one list (a UNION ALL of both
     * tables, which this module owns) paged by created or last-used time.
     */
    async listTokens(
      userId: string,
      now: string,
      q: ListQuery,
    ): Promise<{ rows: TokenRow[]; total: number; page: number; nextCursor: string | null }> {
      const sessions = db
        .selectFrom("auth_sessions")
        .select(tokenColumns("session", { name: null, expiresAt: "expires_at" }))
        .where("user_id", "=", userId)
        .where("revoked_at", "is", null)
        .where("expires_at", ">", now);
      const passkeys = db
        .selectFrom("passkeys")
        .select(tokenColumns("passkey", { name: "name", expiresAt: null }))
        .where("user_id", "=", userId);
      let base = db.selectFrom(sessions.unionAll(passkeys).as("t"));
      if (q.q) {
        const p = likePattern(q.q);
        base = base.where((eb) => eb.or([ilike("t.name", p), ilike("t.ip", p), ilike("t.user_agent", p)]));
      }
      const plan = planSortedPage(db, q, { sorts: tokenSorts, defaultSort: "-createdAt", id: "t.id" });
      return readPage(base.selectAll(), plan, (r) => ({
        id: r.id,
        kind: r.kind,
        name: r.name,
        createdAt: r.created_at,
        lastUsedAt: r.last_used_at,
        ip: r.ip,
        userAgent: r.user_agent,
        expiresAt: r.expires_at,
      }));
    },

    /** Marks a session used, unless a concurrent request already did after `staleBefore`. */
    async touchSession(id: string, now: string, ip: string, staleBefore: string): Promise<void> {
      await db
        .updateTable("auth_sessions")
        .set({ last_used_at: now, ip })
        .where("id", "=", id)
        .where("last_used_at", "<", staleBefore)
        .execute();
    },

    // ── Passkeys (WebAuthn credentials) and their single-use challenges.
    async insertPasskey(p: Omit<PasskeyRow, "lastUsedAt">): Promise<void> {
      await db
        .insertInto("passkeys")
        .values({
          id: p.id,
          user_id: p.userId,
          credential_id: p.credentialId,
          public_key: p.publicKey,
          counter: p.counter,
          transports: p.transports.join(",") || null,
          name: p.name.slice(0, 100),
          created_at: p.createdAt,
          last_used_at: null,
          ip: p.ip,
          user_agent: p.userAgent?.slice(0, 512) ?? null,
        })
        .execute();
    },

    async passkeysOf(userId: string): Promise<PasskeyRow[]> {
      const rows = await db
        .selectFrom("passkeys")
        .selectAll()
        .where("user_id", "=", userId)
        .orderBy("created_at", "desc")
        .execute();
      return rows.map(toPasskey);
    },

    async findPasskeyByCredentialId(credentialId: string): Promise<PasskeyRow | undefined> {
      const r = await db
        .selectFrom("passkeys")
        .selectAll()
        .where("credential_id", "=", credentialId)
        .executeTakeFirst();
      return r && toPasskey(r);
    },

    /** Stores the new counter only if nobody used the passkey with a higher one first. */
    async usePasskey(id: string, oldCounter: number, newCounter: number, now: string, ip: string, ua: string | null) {
      const res = await db
        .updateTable("passkeys")
        .set({ counter: newCounter, last_used_at: now, ip, user_agent: ua?.slice(0, 512) ?? null })
        .where("id", "=", id)
        .where("counter", "=", oldCounter)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },

    async deletePasskey(id: string, userId: string): Promise<boolean> {
      const res = await db.deleteFrom("passkeys").where("id", "=", id).where("user_id", "=", userId).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },

    async insertChallenge(c: { challenge: string; kind: string; userId: string | null; expiresAt: string }) {
      await db
        .insertInto("webauthn_challenges")
        .values({ challenge: c.challenge, kind: c.kind, user_id: c.userId, expires_at: c.expiresAt })
        .execute();
    },

    /** Takes a challenge: deleted by the one caller that gets it, so it can be used only once. */
    async takeChallenge(challenge: string, kind: string, now: string) {
      const row = await db
        .selectFrom("webauthn_challenges")
        .selectAll()
        .where("challenge", "=", challenge)
        .where("kind", "=", kind)
        .executeTakeFirst();
      if (!row) return undefined;
      const res = await db.deleteFrom("webauthn_challenges").where("challenge", "=", challenge).executeTakeFirst();
      await db.deleteFrom("webauthn_challenges").where("expires_at", "<", now).execute();
      if (Number(res.numDeletedRows) !== 1 || row.expires_at < now) return undefined;
      return { userId: row.user_id };
    },
  };
}
export type AuthRepository = ReturnType<typeof createAuthRepository>;

export interface PasskeyRow {
  id: string;
  userId: string;
  credentialId: string;
  publicKey: string;
  counter: number;
  transports: string[];
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  ip: string | null;
  userAgent: string | null;
}

function toPasskey(r: Database["passkeys"]): PasskeyRow {
  return {
    id: r.id,
    userId: r.user_id,
    credentialId: r.credential_id,
    publicKey: r.public_key,
    counter: Number(r.counter),
    transports: r.transports ? r.transports.split(",") : [],
    name: r.name,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    ip: r.ip,
    userAgent: r.user_agent,
  };
}

function toSignInEvent(r: Database["login_attempts"]): SignInEvent {
  return {
    id: r.id,
    at: r.at,
    username: r.username ?? r.username_key,
    ip: r.ip,
    userAgent: r.user_agent,
    method: r.method ?? "password",
    result: (r.result ?? (r.succeeded ? "ok" : "bad_credentials")) as SignInResult,
  };
}

function toSession(r: Database["auth_sessions"]): SessionRow {
  return {
    id: r.id,
    userId: r.user_id,
    kind: r.kind,
    ip: r.ip,
    userAgent: r.user_agent,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
  };
}
