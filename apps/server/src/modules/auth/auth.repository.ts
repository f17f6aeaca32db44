import type { Kysely } from "kysely";
import { inTransaction } from "../../db/transaction.js";
import type { Database } from "../../db/schema.js";
import { newId } from "../../lib/ids.js";

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

export function createAuthRepository(
  db: Kysely<Pick<Database, "auth_sessions" | "refresh_tokens" | "login_attempts">>,
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
          .set({ last_used_at: next.now, expires_at: next.expiresAt })
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

    /** The login history (the throttle counts attempts apart, in throttle_counters). */
    async recordLoginAttempt(a: { usernameKey: string; ip: string; succeeded: boolean; at: string }): Promise<void> {
      await db
        .insertInto("login_attempts")
        .values({ id: newId(), username_key: a.usernameKey, ip: a.ip, succeeded: a.succeeded ? 1 : 0, at: a.at })
        .execute();
    },

    async pruneLoginAttempts(before: string): Promise<void> {
      await db.deleteFrom("login_attempts").where("at", "<", before).execute();
    },
  };
}
export type AuthRepository = ReturnType<typeof createAuthRepository>;

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
