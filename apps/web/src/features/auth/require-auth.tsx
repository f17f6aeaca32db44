import { Center, Loader } from "@mantine/core";
import { useEffect, useState } from "react";
import { Navigate, Outlet, useLocation } from "react-router";
import { api } from "../../lib/api-client";
import { tokenStore } from "../../lib/token-store";
import { useTokens } from "../../lib/session";

export interface LoginRedirectState {
  from?: string;
  reason?: "logout" | "expired" | null;
}

/**
 * Console routes need an access token. It lives in memory only, so after a reload (or in a new tab) the
 * refresh cookie is asked for one first; without a session (never logged in, logged out, revoked) → /login.
 */
export function RequireAuth() {
  const tokens = useTokens();
  const location = useLocation();
  const [restoring, setRestoring] = useState(() => !tokens && tokenStore.endReason() === null);
  useEffect(() => {
    if (!restoring) return;
    let live = true;
    api
      .restoreSession()
      .catch(() => null)
      .finally(() => live && setRestoring(false));
    return () => {
      live = false;
    };
  }, [restoring]);
  if (restoring)
    return (
      <Center h="100vh">
        <Loader aria-label="Restoring the session" />
      </Center>
    );
  if (!tokens) {
    const state: LoginRedirectState = {
      from: `${location.pathname}${location.search}`,
      reason: tokenStore.endReason(),
    };
    return <Navigate to="/login" replace state={state} />;
  }
  return <Outlet />;
}
