import type { Kysely, Selectable } from "kysely";
import type { AccountTokensTable, Database } from "../../db/schema.js";
import { isUniqueViolation } from "../../db/unique-violation.js";

export type TokenPurpose = "confirm" | "phone_pin" | "recover" | "recover_pin" | "email" | "provision";
export type TokenRow = Selectable<AccountTokensTable>;

export interface CredentialsRow {
  ha1Md5: string;
  ha1Sha256: string | null;
  secretSealed: string;
}

type Tables = "account_credentials" | "account_tokens" | "account_sessions" | "username_tombstones";

export function createAccountsRepository(db: Kysely<Pick<Database, Tables>>) {
  return {
    async credentials(userId: string): Promise<CredentialsRow | undefined> {
      const r = await db.selectFrom("account_credentials").selectAll().where("user_id", "=", userId).executeTakeFirst();
      return r && { ha1Md5: r.ha1_md5, ha1Sha256: r.ha1_sha256, secretSealed: r.secret_sealed };
    },

    async putCredentials(userId: string, c: CredentialsRow, now: string): Promise<void> {
      const values = { ha1_md5: c.ha1Md5, ha1_sha256: c.ha1Sha256, secret_sealed: c.secretSealed, updated_at: now };
      const res = await db
        .updateTable("account_credentials")
        .set(values)
        .where("user_id", "=", userId)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) > 0) return;
      await db
        .insertInto("account_credentials")
        .values({ user_id: userId, ...values })
        .execute();
    },

    async insertToken(row: Omit<TokenRow, "attempts" | "used_at">): Promise<void> {
      await db.insertInto("account_tokens").values(row).execute();
    },

    /** An unused, unexpired token of this purpose by its hash. */
    async liveToken(purpose: TokenPurpose, secretHash: string, now: string): Promise<TokenRow | undefined> {
      return db
        .selectFrom("account_tokens")
        .selectAll()
        .where("purpose", "=", purpose)
        .where("secret_hash", "=", secretHash)
        .where("used_at", "is", null)
        .where("expires_at", ">", now)
        .executeTakeFirst();
    },

    /** The newest unused, unexpired token of a user for this purpose (PINs, provisioning). */
    async latestToken(userId: string, purpose: TokenPurpose, now: string): Promise<TokenRow | undefined> {
      return db
        .selectFrom("account_tokens")
        .selectAll()
        .where("user_id", "=", userId)
        .where("purpose", "=", purpose)
        .where("used_at", "is", null)
        .where("expires_at", ">", now)
        .orderBy("created_at", "desc")
        .orderBy("id")
        .executeTakeFirst();
    },

    /** Burns a token; false when another request burnt it first (single use, even under races). */
    async useToken(id: string, now: string): Promise<boolean> {
      const res = await db
        .updateTable("account_tokens")
        .set({ used_at: now })
        .where("id", "=", id)
        .where("used_at", "is", null)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },

    /** Counts a wrong guess; returns false when the attempt budget was already spent (the token then dies). */
    async spendAttempt(id: string, max: number, now: string): Promise<boolean> {
      const res = await db
        .updateTable("account_tokens")
        .set((eb) => ({ attempts: eb("attempts", "+", 1) }))
        .where("id", "=", id)
        .where("attempts", "<", max)
        .where("used_at", "is", null)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 1) return true;
      await db.updateTable("account_tokens").set({ used_at: now }).where("id", "=", id).execute();
      return false;
    },

    /** Ends every open token of a purpose (a new link or PIN replaces the older ones). */
    async retireTokens(userId: string, purpose: TokenPurpose, now: string): Promise<void> {
      await db
        .updateTable("account_tokens")
        .set({ used_at: now })
        .where("user_id", "=", userId)
        .where("purpose", "=", purpose)
        .where("used_at", "is", null)
        .execute();
    },

    async insertSession(row: {
      id: string;
      user_id: string;
      refresh_hash: string;
      ip: string | null;
      user_agent: string | null;
      created_at: string;
      expires_at: string;
    }): Promise<void> {
      await db.insertInto("account_sessions").values(row).execute();
    },

    async liveSession(id: string, now: string) {
      return db
        .selectFrom("account_sessions")
        .select(["id", "user_id"])
        .where("id", "=", id)
        .where("revoked_at", "is", null)
        .where("expires_at", ">", now)
        .executeTakeFirst();
    },

    async sessionByRefresh(refreshHash: string, now: string) {
      return db
        .selectFrom("account_sessions")
        .select(["id", "user_id"])
        .where("refresh_hash", "=", refreshHash)
        .where("revoked_at", "is", null)
        .where("expires_at", ">", now)
        .executeTakeFirst();
    },

    /** The live session that rotated this token away: someone presents a token already used. */
    async sessionByRotatedRefresh(refreshHash: string, now: string) {
      return db
        .selectFrom("account_sessions")
        .select(["id", "user_id"])
        .where("previous_refresh_hash", "=", refreshHash)
        .where("revoked_at", "is", null)
        .where("expires_at", ">", now)
        .executeTakeFirst();
    },

    /** Swaps the refresh token of a session; false when it was rotated meanwhile. */
    async rotateRefresh(id: string, oldHash: string, newHash: string): Promise<boolean> {
      const res = await db
        .updateTable("account_sessions")
        .set({ refresh_hash: newHash, previous_refresh_hash: oldHash })
        .where("id", "=", id)
        .where("refresh_hash", "=", oldHash)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },

    async revokeSessions(userId: string, now: string, exceptId?: string): Promise<void> {
      let q = db
        .updateTable("account_sessions")
        .set({ revoked_at: now })
        .where("user_id", "=", userId)
        .where("revoked_at", "is", null);
      if (exceptId) q = q.where("id", "!=", exceptId);
      await q.execute();
    },

    async revokeSession(id: string, now: string): Promise<void> {
      await db.updateTable("account_sessions").set({ revoked_at: now }).where("id", "=", id).execute();
    },

    async isTombstoned(usernameKey: string): Promise<boolean> {
      return Boolean(
        await db
          .selectFrom("username_tombstones")
          .select("username_key")
          .where("username_key", "=", usernameKey)
          .executeTakeFirst(),
      );
    },

    async tombstone(usernameKey: string, now: string): Promise<void> {
      try {
        await db.insertInto("username_tombstones").values({ username_key: usernameKey, deleted_at: now }).execute();
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
    },

    /** Every row of an account in this module's tables. */
    async deleteAccountRows(userId: string): Promise<void> {
      await db.deleteFrom("account_tokens").where("user_id", "=", userId).execute();
      await db.deleteFrom("account_sessions").where("user_id", "=", userId).execute();
      await db.deleteFrom("account_credentials").where("user_id", "=", userId).execute();
    },
  };
}
export type AccountsRepository = ReturnType<typeof createAccountsRepository>;
