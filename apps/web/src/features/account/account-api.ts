import type { AccountLoginResponse } from "@cisisk/contract";
import { ApiError } from "../../lib/api-client";

/**
 * The self-service side's own calls and session: its tokens are not console tokens (the server refuses
 * them on the console API), so they live apart, in this tab's sessionStorage.
 */
const STORAGE_KEY = "cisisk.account";
const BASE = (import.meta.env.VITE_API_URL || "/api/v1").replace(/\/+$/, "");

interface Stored {
  accessToken: string;
  refreshToken: string;
}
const listeners = new Set<() => void>();
let cached: Stored | null | undefined;

export const accountSession = {
  get(): Stored | null {
    if (cached === undefined) {
      const raw = sessionStorage.getItem(STORAGE_KEY);
      cached = raw ? (JSON.parse(raw) as Stored) : null;
    }
    return cached;
  },
  set(login: AccountLoginResponse) {
    cached = { accessToken: login.accessToken, refreshToken: login.refreshToken };
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(cached));
    listeners.forEach((l) => l());
  },
  clear() {
    cached = null;
    sessionStorage.removeItem(STORAGE_KEY);
    listeners.forEach((l) => l());
  },
  subscribe(listener: () => void) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

async function send(method: string, path: string, body: unknown, token: string | undefined) {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (token) headers.authorization = `Bearer ${token}`;
  try {
    return await fetch(`${BASE}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, "network_error", "cannot reach the server");
  }
}

/** One self-service call; with `auth`, a 401 refreshes the session once, then gives up (back to login). */
export async function accountCall<T>(method: string, path: string, body?: unknown, auth = false): Promise<T> {
  let res = await send(method, path, body, auth ? accountSession.get()?.accessToken : undefined);
  if (auth && res.status === 401) {
    const refreshToken = accountSession.get()?.refreshToken;
    const refreshed = refreshToken ? await send("POST", "/account/refresh", { refreshToken }, undefined) : null;
    if (refreshed?.ok) {
      accountSession.set((await refreshed.json()) as AccountLoginResponse);
      res = await send(method, path, body, accountSession.get()?.accessToken);
    } else {
      accountSession.clear();
    }
  }
  if (res.status === 204) return undefined as T;
  const json = (await res.json().catch(() => null)) as {
    error?: { code: string; message: string; details?: unknown };
  } | null;
  if (!res.ok) {
    const e = json?.error;
    const retry = Number(res.headers.get("retry-after"));
    throw new ApiError(
      res.status,
      (e?.code ?? "bad_response") as ApiError["code"],
      e?.message ?? `the server answered ${res.status}`,
      e?.details,
      Number.isFinite(retry) && retry > 0 ? retry : undefined,
    );
  }
  return json as T;
}
