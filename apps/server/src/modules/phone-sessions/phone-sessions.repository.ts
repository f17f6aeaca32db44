import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.js";
import { inTransaction } from "../../db/transaction.js";

export interface PhoneSession {
  mac: string;
  userId: string;
  createdAt: string;
  expiresAt: string;
}

export function createPhoneSessionsRepository(db: Kysely<Pick<Database, "phone_sessions">>) {
  return {
    /** One session per phone: a new login replaces the old one. */
    async replace(s: PhoneSession): Promise<void> {
      await inTransaction(db, async (trx) => {
        await trx.deleteFrom("phone_sessions").where("mac", "=", s.mac).execute();
        await trx
          .insertInto("phone_sessions")
          .values({ mac: s.mac, user_id: s.userId, created_at: s.createdAt, expires_at: s.expiresAt })
          .execute();
      });
    },

    async find(mac: string): Promise<PhoneSession | undefined> {
      const r = await db.selectFrom("phone_sessions").selectAll().where("mac", "=", mac).executeTakeFirst();
      return r && { mac: r.mac, userId: r.user_id, createdAt: r.created_at, expiresAt: r.expires_at };
    },

    async delete(mac: string): Promise<boolean> {
      const res = await db.deleteFrom("phone_sessions").where("mac", "=", mac).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },

    /**
     * Deletes the sessions of these phones; returns the MACs that had one. One statement when none had
     * (the usual case), two otherwise; a login landing between them is ended too, as it would be a moment later.
     */
    async deleteMany(macs: string[]): Promise<Set<string>> {
      if (macs.length === 0) return new Set();
      const open = await db.selectFrom("phone_sessions").select("mac").where("mac", "in", macs).execute();
      if (open.length > 0) await db.deleteFrom("phone_sessions").where("mac", "in", macs).execute();
      return new Set(open.map((r) => r.mac));
    },
  };
}
export type PhoneSessionsRepository = ReturnType<typeof createPhoneSessionsRepository>;
