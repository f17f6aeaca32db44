/** Why the session last ended: the login page words its message accordingly. */
export type SessionEndReason = "logout" | "expired";

/**
 * The access token only. The refresh token is an httpOnly cookie the console never sees (cookie mode of
 * /auth/login), so a script injected into the page cannot carry off a 30-day credential.
 */
export interface Tokens {
  accessToken: string;
}

export interface TokenStore {
  get(): Tokens | null;
  set(tokens: Tokens): void;
  clear(reason: SessionEndReason): void;
  endReason(): SessionEndReason | null;
  subscribe(listener: () => void): () => void;
}

/**
 * The access token in memory: a reload or a second tab gets a new one from the refresh cookie.
 * `get()` returns the same object until the token changes (useSyncExternalStore needs a stable snapshot).
 */
export function createTokenStore(): TokenStore {
  const listeners = new Set<() => void>();
  let reason: SessionEndReason | null = null;
  let snapshot: Tokens | null = null;

  function update(next: Tokens | null): void {
    if (next?.accessToken === snapshot?.accessToken) return;
    snapshot = next;
    for (const listener of listeners) listener();
  }

  return {
    get: () => snapshot,
    set(tokens) {
      reason = null;
      update({ accessToken: tokens.accessToken });
    },
    clear(why) {
      reason = why;
      update(null);
    },
    endReason: () => reason,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export const tokenStore = createTokenStore();
