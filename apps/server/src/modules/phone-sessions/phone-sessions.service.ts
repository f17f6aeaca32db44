import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.js";
import { addSeconds, iso, type Clock } from "../../lib/time.js";

export interface PhoneSession {
  mac: string;
  userId: string;
  createdAt: string;
  expiresAt: string;
}

/**
 * Who is logged in to the XML services of a phone. Keyed by MAC because a phone sends no identity
 * of its own: the MAC is written into the service URLs of its config. Lives in the database so every
 * server sees the same sessions.
 */
export function createPhoneSessionsService(deps: { db: Kysely<Database>; clock: Clock; ttlHours: number }) {
  const { db, clock } = deps;
  return {
    async open(mac: string, userId: string): Promise<PhoneSession> {
      const now = clock();
      const row = {
        mac,
        user_id: userId,
        created_at: iso(now),
        expires_at: iso(addSeconds(now, deps.ttlHours * 3600)),
      };
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom("phone_sessions").where("mac", "=", mac).execute();
        await trx.insertInto("phone_sessions").values(row).execute();
      });
      return { mac, userId, createdAt: row.created_at, expiresAt: row.expires_at };
    },

    /** The live session of a phone, or null when there is none or it has expired. */
    async current(mac: string): Promise<PhoneSession | null> {
      const r = await db.selectFrom("phone_sessions").selectAll().where("mac", "=", mac).executeTakeFirst();
      if (!r || r.expires_at <= iso(clock())) return null;
      return { mac: r.mac, userId: r.user_id, createdAt: r.created_at, expiresAt: r.expires_at };
    },

    /** Ends the phone's session: its next visit to a login-protected service asks for login. */
    async end(mac: string): Promise<boolean> {
      const res = await db.deleteFrom("phone_sessions").where("mac", "=", mac).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },
  };
}
export type PhoneSessionsService = ReturnType<typeof createPhoneSessionsService>;
