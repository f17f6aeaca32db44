import { timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * The `authenticationURL` written into SEP files: a phone asked to run a `/CGI/Execute` push calls it with
 * `UserID` and `Password` and accepts the push only when the body is exactly `AUTHORIZED` (no newline).
 * Only the configured `[restart] cgi_username`/`cgi_password` pass; anything else gets `UN-AUTHORIZED`.
 */
export function ciscoAuthenticateRoutes(credentials: { username: string; password: string | undefined }) {
  return async (app: FastifyInstance) => {
    app.get("/cisco/authenticate", { schema: { hide: true } }, async (request, reply) => {
      const q = request.query as Record<string, unknown>;
      const user = typeof q.UserID === "string" ? q.UserID : "";
      const password = typeof q.Password === "string" ? q.Password : "";
      const ok =
        Boolean(credentials.password) && same(user, credentials.username) && same(password, credentials.password ?? "");
      return reply
        .type("text/plain; charset=utf-8")
        .header("cache-control", "no-store")
        .send(ok ? "AUTHORIZED" : "UN-AUTHORIZED");
    });
  };
}
