import { Navigate, Outlet, useLocation } from "react-router";
import { tokenStore } from "../../lib/token-store";
import { useTokens } from "../../lib/session";

export interface LoginRedirectState {
  from?: string;
  reason?: "logout" | "expired" | null;
}

/** Console routes need a token pair; without one (never logged in, logged out, refresh failed) → /login. */
export function RequireAuth() {
  const tokens = useTokens();
  const location = useLocation();
  if (!tokens) {
    const state: LoginRedirectState = {
      from: `${location.pathname}${location.search}`,
      reason: tokenStore.endReason(),
    };
    return <Navigate to="/login" replace state={state} />;
  }
  return <Outlet />;
}
