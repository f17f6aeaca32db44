import type { ApiKey, ListQuery } from "@cisisk/contract";
import type { Kysely, Selectable } from "kysely";
import { planSortedPage, readPage } from "../../db/keyset.js";
import type { ApiKeysTable, Database } from "../../db/schema.js";
import { ilike, likePattern } from "../../lib/list-query.js";

const sorts = {
  name: [{ ref: "name" }],
  createdAt: [{ ref: "created_at" }],
  expiresAt: [{ ref: "expires_at", nullable: true }],
  lastUsedAt: [{ ref: "last_used_at", nullable: true }],
};

export function createApiKeysRepository(db: Kysely<Pick<Database, "api_keys">>) {
  return {
    async insert(row: Selectable<ApiKeysTable>): Promise<void> {
      await db.insertInto("api_keys").values(row).execute();
    },
    async list(q: ListQuery): Promise<{ rows: ApiKey[]; total: number; page: number; nextCursor: string | null }> {
      let base = db.selectFrom("api_keys");
      if (q.q) {
        const p = likePattern(q.q);
        base = base.where((eb) => eb.or([ilike("name", p), ilike("key_prefix", p)]));
      }
      const plan = planSortedPage(db, q, { sorts, defaultSort: "createdAt", id: "id" });
      return readPage(base.selectAll(), plan, toApiKey);
    },
    async findById(id: string): Promise<ApiKey | undefined> {
      const r = await db.selectFrom("api_keys").selectAll().where("id", "=", id).executeTakeFirst();
      return r && toApiKey(r);
    },
    async findByHash(keyHash: string): Promise<ApiKey | undefined> {
      const r = await db.selectFrom("api_keys").selectAll().where("key_hash", "=", keyHash).executeTakeFirst();
      return r && toApiKey(r);
    },
    async touch(id: string, now: string): Promise<void> {
      await db.updateTable("api_keys").set({ last_used_at: now }).where("id", "=", id).execute();
    },
    async delete(id: string): Promise<boolean> {
      const res = await db.deleteFrom("api_keys").where("id", "=", id).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },
  };
}
export type ApiKeysRepository = ReturnType<typeof createApiKeysRepository>;

function toApiKey(r: Selectable<ApiKeysTable>): ApiKey {
  return {
    id: r.id,
    name: r.name,
    prefix: r.key_prefix,
    allowedNetworks: JSON.parse(r.allowed_networks) as string[],
    expiresAt: r.expires_at,
    lastUsedAt: r.last_used_at,
    createdAt: r.created_at,
  };
}
