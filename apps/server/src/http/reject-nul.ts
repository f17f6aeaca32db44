import type { FastifyInstance } from "fastify";
import { ValidationFailed } from "../errors.js";

// C0 control characters other than tab, LF and CR. NUL cannot be stored in PostgreSQL text (the query
// would fail), and none of them can appear in the XML files and pages names end up in (SEP files, phone
// menus): no field of ours has a use for them.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;

/** Finds the path of the first string (or key) holding a control character, walking objects and arrays. */
function findControl(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === "string") return CONTROL.test(value) ? path : undefined;
  // Raw bodies (uploaded files) are bytes, not fields.
  if (depth > 32 || value === null || typeof value !== "object" || Buffer.isBuffer(value)) return undefined;
  for (const [k, v] of Object.entries(value)) {
    const hit = findControl(v, `${path}.${k}`, depth + 1) ?? (CONTROL.test(k) ? `${path}.${k}` : undefined);
    if (hit) return hit;
  }
  return undefined;
}

/** Refuses control characters at the edge, for every engine and route alike, naming the field. */
export function registerNulGuard(app: FastifyInstance): void {
  app.addHook("preValidation", async (request) => {
    const where =
      findControl(request.body, "body") ??
      findControl(request.query, "querystring") ??
      findControl(request.params, "params");
    if (where)
      throw new ValidationFailed(`${where}: control characters are not allowed`, [
        { path: where, message: "contains a control character (only tab, CR and LF are allowed)" },
      ]);
  });
}
