import type { FastifyRequest } from "fastify";

/** Query parameters whose values never reach a log: phones send the service-login PIN in a GET URL. */
const SECRET_PARAMS = /^(pin|password|passwd|secret|token)$/i;

/** `/cisco/login/submit?mac=X&pin=1234` → `/cisco/login/submit?mac=X&pin=[REDACTED]`. */
export function redactQuery(url: string): string {
  const q = url.indexOf("?");
  if (q < 0) return url;
  const query = url
    .slice(q + 1)
    .split("&")
    .map((pair) => {
      const eq = pair.indexOf("=");
      const name = eq < 0 ? pair : pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        // a malformed escape is logged as it came
      }
      return eq >= 0 && SECRET_PARAMS.test(decoded) ? `${name}=[REDACTED]` : pair;
    })
    .join("&");
  return `${url.slice(0, q)}?${query}`;
}

/** Fastify's request log line, with secrets in the query string redacted. */
export const requestLogSerializers = {
  req(request: FastifyRequest) {
    return {
      method: request.method,
      url: redactQuery(request.url),
      host: request.host,
      remoteAddress: request.clientIp || request.ip,
      remotePort: request.socket?.remotePort,
    };
  },
};
