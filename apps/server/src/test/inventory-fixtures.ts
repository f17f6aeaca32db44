import type { Phone, Profile } from "@cisisk/contract";
import { expect } from "vitest";
import type { TestApp } from "./build-test-app.js";

/** Test setup through the API: users, extensions, phones, profiles. */
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
    /** A PJSIP extension owned by `userId`, created through the extensions API. */
    async extension(userId: string | null, number: string, displayName: string, secret: string): Promise<string> {
      return (
        await post<{ id: string }>("/api/v1/extensions", { technology: "PJSIP", number, displayName, userId, secret })
      ).id;
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
