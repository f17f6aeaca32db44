import type { Phone, Profile } from "@cisisk/contract";
import { expect } from "vitest";
import { newId } from "../lib/ids.js";
import type { TestApp } from "./build-test-app.js";

/** Test setup through the API (phones, profiles) and, for extensions, rows in the 0002 table. */
export function inventory(t: TestApp) {
  const post = async <T>(url: string, payload: unknown, method: "POST" | "PUT" = "POST"): Promise<T> => {
    const res = await t.app.inject({ method, url, headers: await t.adminHeaders(), payload: payload as object });
    expect(res.statusCode, `${url}: ${res.body}`).toBeLessThan(300);
    return res.json<T>();
  };
  return {
    async user(username: string): Promise<string> {
      return (await post<{ id: string }>("/api/v1/users", { username, password: "user-password-1" })).id;
    },
    /** An extension owned by `userId` (the extensions module owns this table; tests write it directly). */
    async extension(userId: string | null, number: string, displayName: string, secret: string): Promise<string> {
      const id = newId();
      const now = new Date().toISOString();
      await t.db.kysely
        .insertInto("extensions")
        .values({
          id,
          number,
          technology: "SIP",
          display_name: displayName,
          user_id: userId,
          context: "from-internal",
          secret_encrypted: t.deps.secretBox.seal(secret),
          ha1_md5: "0".repeat(32),
          ha1_sha256: "0".repeat(64),
          voicemail: null,
          codecs: null,
          transport: null,
          options: null,
          created_at: now,
          updated_at: now,
        })
        .execute();
      return id;
    },
    async phone(body: Record<string, unknown>, kems: string[] = []): Promise<Phone> {
      const phone = await post<Phone>("/api/v1/phones", body);
      if (kems.length === 0) return phone;
      return post<Phone>(`/api/v1/phones/${phone.id}/kems`, { kems: kems.map((model) => ({ model })) }, "PUT");
    },
    profile(body: Record<string, unknown>): Promise<Profile> {
      return post<Profile>("/api/v1/profiles", body);
    },
  };
}
