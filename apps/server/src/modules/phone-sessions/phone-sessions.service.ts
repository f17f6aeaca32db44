import { addSeconds, iso, type Clock } from "../../lib/time.js";
import type { PhoneSession, PhoneSessionsRepository } from "./phone-sessions.repository.js";

export type { PhoneSession };

/**
 * Who is logged in to the XML services of a phone. Keyed by MAC because a phone sends no identity
 * of its own: the MAC is written into the service URLs of its config. Lives in the database so every
 * server sees the same sessions.
 */
export function createPhoneSessionsService(deps: { repo: PhoneSessionsRepository; clock: Clock; ttlHours: number }) {
  const { repo, clock } = deps;
  return {
    async open(mac: string, userId: string): Promise<PhoneSession> {
      const now = clock();
      const session = { mac, userId, createdAt: iso(now), expiresAt: iso(addSeconds(now, deps.ttlHours * 3600)) };
      await repo.replace(session);
      return session;
    },

    /** The live session of a phone, or null when there is none or it has expired. */
    async current(mac: string): Promise<PhoneSession | null> {
      const s = await repo.find(mac);
      return s && s.expiresAt > iso(clock()) ? s : null;
    },

    /** Ends the phone's session: its next visit to a login-protected service asks for login. */
    end: (mac: string): Promise<boolean> => repo.delete(mac),

    /** Ends the sessions of many phones at once (a bulk deploy); returns the MACs that had one. */
    endMany: (macs: string[]): Promise<Set<string>> => repo.deleteMany(macs),
  };
}
export type PhoneSessionsService = ReturnType<typeof createPhoneSessionsService>;
