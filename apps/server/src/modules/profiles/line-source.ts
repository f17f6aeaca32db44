import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.js";
import type { SecretBox } from "../../lib/secret-box.js";

export interface RenderLine {
  button: number;
  number: string;
  displayName: string;
  authName: string;
  /** In clear: SIP phones need it in their file. Never logged. */
  password: string;
}

/**
 * Where a phone's lines come from. A port, so the extensions module can take it over later
 * (TODO lead: replace createTableLineSource with the extensions service once it lands).
 */
export interface LineSource {
  /** The phone's explicit button → extension links; else the profile owner's extensions in number order. */
  linesFor(phoneId: string, ownerUserId: string | null, capacity: number): Promise<RenderLine[]>;
}

/** Reads the 0002 `extensions` columns directly (number, display_name, secret_encrypted, options JSON). */
export function createTableLineSource(db: Kysely<Database>, secretBox: SecretBox): LineSource {
  function authNameOf(number: string, options: string | null): string {
    if (!options) return number;
    try {
      const o = JSON.parse(options) as { authName?: unknown; username?: unknown };
      const v = o.authName ?? o.username;
      return typeof v === "string" && v ? v : number;
    } catch {
      return number;
    }
  }
  return {
    async linesFor(phoneId, ownerUserId, capacity) {
      const explicit = await db
        .selectFrom("phone_lines")
        .innerJoin("extensions", "extensions.id", "phone_lines.extension_id")
        .select([
          "phone_lines.button",
          "extensions.number",
          "extensions.display_name",
          "extensions.secret_encrypted",
          "extensions.options",
        ])
        .where("phone_lines.phone_id", "=", phoneId)
        .orderBy("phone_lines.button")
        .execute();
      const rows =
        explicit.length > 0
          ? explicit.map((r) => ({ ...r, button: Number(r.button) }))
          : ownerUserId
            ? (
                await db
                  .selectFrom("extensions")
                  .select(["number", "display_name", "secret_encrypted", "options"])
                  .where("user_id", "=", ownerUserId)
                  .orderBy("number")
                  .execute()
              ).map((r, i) => ({ ...r, button: i + 1 }))
            : [];
      return rows
        .filter((r) => r.button <= capacity)
        .map((r) => ({
          button: r.button,
          number: r.number,
          displayName: r.display_name,
          authName: authNameOf(r.number, r.options),
          password: secretBox.open(r.secret_encrypted),
        }));
    },
  };
}
