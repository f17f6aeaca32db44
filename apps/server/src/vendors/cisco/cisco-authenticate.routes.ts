import { timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { clientIp } from "../../http/client-ip.js";
import { throttleKey, type Throttle } from "../../throttle/throttle.js";

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * The `authenticationURL` written into SEP files: a phone asked to run a `/CGI/Execute` push calls it with
 * `UserID` and `Password` and accepts the push only when the body is exactly `AUTHORIZED` (no newline).
 * Only the configured `[restart] cgi_username`/`cgi_password` pass; anything else gets `UN-AUTHORIZED`, and an
 * address past the limit of wrong attempts gets it too (with 429), whatever it sends.
 */
export function ciscoAuthenticateRoutes(
  credentials: { username: string; password: string | undefined },
  throttle: Throttle,
  limit: { attempts: number; windowSeconds: number },
) {
  return async (app: FastifyInstance) => {
    app.get("/cisco/authenticate", { schema: { hide: true } }, async (request, reply) => {
      const q = request.query as Record<string, unknown>;
      const user = typeof q.UserID === "string" ? q.UserID : "";
      const password = typeof q.Password === "string" ? q.Password : "";
      // Guessing the CGI password from one address is throttled like console logins (phones ask once per push).
      const attempt = await throttle.attempt([
        {
          key: throttleKey("cisco-authenticate", "ip", clientIp(request)),
          limit: limit.attempts,
          windowSeconds: limit.windowSeconds,
        },
      ]);
      const ok =
        attempt.ok &&
        Boolean(credentials.password) &&
        same(user, credentials.username) &&
        same(password, credentials.password ?? "");
      if (ok) await attempt.succeeded();
      if (!attempt.ok) reply.code(429).header("retry-after", String(attempt.retryAfterSeconds));
      return reply
        .type("text/plain; charset=utf-8")
        .header("cache-control", "no-store")
        .send(ok ? "AUTHORIZED" : "UN-AUTHORIZED");
    });
  };
}
