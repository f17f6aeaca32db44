import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** `[provisioning] auth`: HTTP Basic or Digest (RFC 7616, MD5, qop=auth) credentials for /provision. */
export interface ProvisioningAuthSettings {
  scheme: "none" | "digest" | "basic";
  username: string;
  password: string;
  /** Signs digest nonces, so any server of the cluster accepts a nonce another one issued (no shared state). */
  secret: string;
  /** How long a nonce stays valid. */
  nonceSeconds?: number;
}

const REALM = "cisisk-provisioning";
const md5 = (s: string) => createHash("md5").update(s).digest("hex");

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** `key="quoted, value", key=token` → map (lowercase keys). */
export function parseAuthParams(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g;
  for (let m = re.exec(text); m; m = re.exec(text))
    out.set(m[1]!.toLowerCase(), m[2] !== undefined ? m[2].replace(/\\(.)/g, "$1") : (m[3] ?? ""));
  return out;
}

export function createProvisioningAuth(settings: ProvisioningAuthSettings, now: () => number = Date.now) {
  const lifetime = (settings.nonceSeconds ?? 300) * 1000;
  const sign = (stamp: string) => createHmac("sha256", settings.secret).update(stamp).digest("base64url").slice(0, 32);

  function nonce(): string {
    const stamp = `${now().toString(36)}.${randomBytes(6).toString("base64url")}`;
    return `${stamp}.${sign(stamp)}`;
  }

  /** "ok", "stale" (a genuine nonce that expired: the phone retries without asking its user), or "bad". */
  function nonceState(value: string): "ok" | "stale" | "bad" {
    const parts = value.split(".");
    if (parts.length !== 3) return "bad";
    const stamp = `${parts[0]}.${parts[1]}`;
    if (!same(sign(stamp), parts[2]!)) return "bad";
    const issued = parseInt(parts[0]!, 36);
    if (!Number.isFinite(issued) || issued > now() + 5000) return "bad";
    return now() - issued > lifetime ? "stale" : "ok";
  }

  return {
    enabled: settings.scheme !== "none",

    /** The WWW-Authenticate header of a 401. */
    challenge(stale = false): string {
      if (settings.scheme === "basic") return `Basic realm="${REALM}", charset="UTF-8"`;
      return `Digest realm="${REALM}", qop="auth", algorithm=MD5, nonce="${nonce()}"${stale ? ", stale=true" : ""}`;
    },

    /** Checks the Authorization header of a request; `stale` asks for a new challenge with stale=true. */
    check(method: string, url: string, header: string | undefined): "ok" | "missing" | "wrong" | "stale" {
      if (settings.scheme === "none") return "ok";
      if (!header) return "missing";
      const space = header.indexOf(" ");
      const scheme = (space > 0 ? header.slice(0, space) : header).toLowerCase();
      const rest = space > 0 ? header.slice(space + 1) : "";
      if (settings.scheme === "basic") {
        if (scheme !== "basic") return "missing";
        const decoded = Buffer.from(rest.trim(), "base64").toString("utf8");
        const colon = decoded.indexOf(":");
        if (colon < 0) return "wrong";
        const okUser = same(decoded.slice(0, colon), settings.username);
        const okPass = same(decoded.slice(colon + 1), settings.password);
        return okUser && okPass ? "ok" : "wrong";
      }
      if (scheme !== "digest") return "missing";
      const p = parseAuthParams(rest);
      const username = p.get("username") ?? "";
      const nonceValue = p.get("nonce") ?? "";
      const uri = p.get("uri") ?? "";
      const response = (p.get("response") ?? "").toLowerCase();
      if ((p.get("realm") ?? "") !== REALM || !nonceValue || !response) return "wrong";
      // The digest covers the URI the client says; it must be the one requested.
      if (uri !== url) return "wrong";
      const algorithm = (p.get("algorithm") ?? "MD5").toUpperCase();
      if (algorithm !== "MD5") return "wrong";
      const ha1 = md5(`${username}:${REALM}:${settings.password}`);
      const ha2 = md5(`${method}:${uri}`);
      const qop = p.get("qop");
      let expected: string;
      if (qop === "auth") {
        const nc = p.get("nc") ?? "";
        const cnonce = p.get("cnonce") ?? "";
        if (!/^[0-9a-fA-F]{8}$/.test(nc) || !cnonce) return "wrong";
        expected = md5(`${ha1}:${nonceValue}:${nc}:${cnonce}:auth:${ha2}`);
      } else if (qop === undefined) expected = md5(`${ha1}:${nonceValue}:${ha2}`);
      else return "wrong";
      if (!same(username, settings.username) || !same(expected, response)) return "wrong";
      const state = nonceState(nonceValue);
      return state === "ok" ? "ok" : state === "stale" ? "stale" : "wrong";
    },
  };
}
export type ProvisioningAuth = ReturnType<typeof createProvisioningAuth>;
