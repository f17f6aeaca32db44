import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.js";

/** Wrong phone-service PINs, per phone, kept in the database so every server counts the same. */
export function createPhoneLoginAttempts(db: Kysely<Pick<Database, "phone_login_attempts">>) {
  return {
    /** Records an attempt and forgets this phone's attempts older than `keepSince`. */
    async record(id: string, mac: string, succeeded: boolean, at: string, keepSince: string): Promise<void> {
      await db.deleteFrom("phone_login_attempts").where("mac", "=", mac).where("at", "<", keepSince).execute();
      await db
        .insertInto("phone_login_attempts")
        .values({ id, mac, succeeded: succeeded ? 1 : 0, at })
        .execute();
    },
    /** Timestamps of failures at or after `since`, oldest first. */
    async failuresSince(mac: string, since: string): Promise<string[]> {
      const rows = await db
        .selectFrom("phone_login_attempts")
        .select("at")
        .where("mac", "=", mac)
        .where("at", ">=", since)
        .where("succeeded", "=", 0)
        .orderBy("at")
        .execute();
      return rows.map((r) => r.at);
    },
    /** A correct PIN forgives earlier mistakes on that phone. */
    async clear(mac: string): Promise<void> {
      await db.deleteFrom("phone_login_attempts").where("mac", "=", mac).execute();
    },
  };
}
export type PhoneLoginAttempts = ReturnType<typeof createPhoneLoginAttempts>;
