/** Why the tokens were last removed: the login page words its message accordingly. */
export type SessionEndReason = "logout" | "expired";

export interface Tokens {
  accessToken: string;
  refreshToken: string;
}

export interface TokenStore {
  get(): Tokens | null;
  set(tokens: Tokens): void;
  clear(reason: SessionEndReason): void;
  /** Re-reads storage: another tab may have rotated the tokens. */
  reload(): void;
  endReason(): SessionEndReason | null;
  subscribe(listener: () => void): () => void;
}

const ACCESS_KEY = "cisisk.accessToken";
const REFRESH_KEY = "cisisk.refreshToken";

/**
 * Access and refresh token in localStorage, so a reload or a second tab keeps the session.
 * `get()` returns the same object until the tokens change (useSyncExternalStore needs a stable snapshot).
 */
export function createTokenStore(storage: Storage | undefined = safeLocalStorage()): TokenStore {
  const listeners = new Set<() => void>();
  let reason: SessionEndReason | null = null;
  let snapshot = read();

  function read(): Tokens | null {
    const accessToken = storage?.getItem(ACCESS_KEY);
    const refreshToken = storage?.getItem(REFRESH_KEY);
    return accessToken && refreshToken ? { accessToken, refreshToken } : null;
  }

  function update(next: Tokens | null): void {
    const same = next?.accessToken === snapshot?.accessToken && next?.refreshToken === snapshot?.refreshToken;
    if (same) return;
    snapshot = next;
    for (const listener of listeners) listener();
  }

  if (typeof window !== "undefined") {
    window.addEventListener("storage", (event) => {
      if (event.key === null || event.key === ACCESS_KEY || event.key === REFRESH_KEY) {
        if (!read()) reason = "logout";
        update(read());
      }
    });
  }

  return {
    get: () => snapshot,
    set(tokens) {
      storage?.setItem(ACCESS_KEY, tokens.accessToken);
      storage?.setItem(REFRESH_KEY, tokens.refreshToken);
      reason = null;
      update({ ...tokens });
    },
    clear(why) {
      storage?.removeItem(ACCESS_KEY);
      storage?.removeItem(REFRESH_KEY);
      reason = why;
      update(null);
    },
    reload() {
      if (storage) update(read());
    },
    endReason: () => reason,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

function safeLocalStorage(): Storage | undefined {
  try {
    return typeof window === "undefined" ? undefined : window.localStorage;
  } catch {
    // Storage disabled by browser policy: the session then lives only as long as the page.
    return undefined;
  }
}

export const tokenStore = createTokenStore();
