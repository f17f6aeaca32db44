import type { FastifyInstance } from "fastify";
import { ValidationFailed } from "../errors.js";

/** Finds the path of the first string holding a NUL character, walking objects and arrays. */
function findNul(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === "string") return value.includes("\u0000") ? path : undefined;
  if (depth > 32 || value === null || typeof value !== "object") return undefined;
  for (const [k, v] of Object.entries(value)) {
    const hit = findNul(v, `${path}.${k}`, depth + 1) ?? (k.includes("\u0000") ? `${path}.${k}` : undefined);
    if (hit) return hit;
  }
  return undefined;
}

/**
 * PostgreSQL text cannot hold NUL (0x00) and would fail the query with a 500; no field of ours has a use
 * for it, so it is refused at the edge for every engine alike.
 */
export function registerNulGuard(app: FastifyInstance): void {
  app.addHook("preValidation", async (request) => {
    const where =
      findNul(request.body, "body") ?? findNul(request.query, "querystring") ?? findNul(request.params, "params");
    if (where)
      throw new ValidationFailed("NUL characters are not allowed", [
        { path: where, message: "contains a NUL character" },
      ]);
  });
}
