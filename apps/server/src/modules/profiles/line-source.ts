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

/** Where a phone's lines come from: a port, so profiles never reach into the extensions module's tables. */
export interface LineSource {
  /** The phone's explicit button → extension links; else the profile owner's extensions in number order. */
  linesFor(phoneId: string, ownerUserId: string | null, capacity: number): Promise<RenderLine[]>;
}

/** A profile owner's lines as the extensions service gives them (number order, secret in clear). */
export type OwnerLines = (
  userId: string,
) => Promise<{ number: string; displayName: string; authUsername: string; secret: string }[]>;

/**
 * Explicit button links come from this module's `phone_lines` (joined to the extension's sealed secret);
 * without them, the owner's extensions from the extensions service fill the buttons in number order.
 */
export function createTableLineSource(db: Kysely<Database>, secretBox: SecretBox, ownerLines: OwnerLines): LineSource {
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
      if (explicit.length === 0) {
        if (!ownerUserId) return [];
        return (await ownerLines(ownerUserId)).slice(0, capacity).map((l, i) => ({
          button: i + 1,
          number: l.number,
          displayName: l.displayName,
          authName: l.authUsername,
          password: l.secret,
        }));
      }
      const rows = explicit.map((r) => ({ ...r, button: Number(r.button) }));
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
