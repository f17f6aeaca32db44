/** The console's refresh-token cookie: httpOnly, SameSite=Strict, sent only to the auth paths. */
export const REFRESH_COOKIE = "cisisk_refresh";
export const API_PREFIX_AUTH = "/api/v1/auth";
/** Requests that authenticate with the cookie must carry this header (value "1"): the CSRF defence. */
export const CSRF_HEADER = "x-cisisk-csrf";
