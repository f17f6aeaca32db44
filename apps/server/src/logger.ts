import { pino, type DestinationStream, type Logger } from "pino";
import { requestLogSerializers } from "./http/redact-query.js";

export type { Logger };

/**
 * The one logger: Fastify logs requests through it and deps.ts hands a child of it (bound to a module)
 * to every service and background loop. Credentials never reach it, whatever a route or library logs.
 */
export function createLogger(level: string, stream?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: ["req.headers.authorization", "req.headers.cookie", 'req.headers["x-api-key"]'],
      // Phones send the service-login PIN in the query string of a GET.
      serializers: requestLogSerializers,
    },
    stream,
  );
}
