import type { User } from "@cisisk/contract";

/**
 * Who a request acts for. Only `admin_session` is issued today (console login); the other kinds are the
 * shapes the API-key, self-service account and provisioning issues fill in.
 */
export type Principal =
  | { kind: "admin_session"; user: User; sessionId: string }
  | { kind: "api_key"; keyId: string; name: string }
  | { kind: "account"; accountId: string; sessionId: string }
  | { kind: "provisioning"; credentialId: string };

export type PrincipalKind = Principal["kind"];
export type PrincipalOf<K extends PrincipalKind> = Extract<Principal, { kind: K }>;
export type AdminSession = PrincipalOf<"admin_session">;
