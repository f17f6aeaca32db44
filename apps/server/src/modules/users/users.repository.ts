import type { ListQuery, User } from "@cisisk/contract";
import { SqliteAdapter, type Kysely, type Selectable } from "kysely";
import { inTransaction } from "../../db/transaction.js";
import { isUniqueViolation } from "../../db/unique-violation.js";
import type { Database, UsersTable } from "../../db/schema.js";
import { Conflict } from "../../errors.js";
import { applyPage, countOnce, finishPage, planPage } from "../../db/keyset.js";
import { ilike, likePattern, parseSort } from "../../lib/list-query.js";

const sortColumns = {
  username: "username_key",
  displayName: "display_name",
  email: "email",
  level: "level",
  createdAt: "created_at",
  updatedAt: "updated_at",
} as const;

export interface UserWrite {
  username?: string;
  displayName?: string;
  email?: string | null;
  phone?: string | null;
  level?: number;
  activated?: boolean;
  passwordHash?: string | null;
  pinHash?: string | null;
}

export function createUsersRepository(db: Kysely<Pick<Database, "users">>) {
  function usernameConflict(error: unknown): never {
    if (isUniqueViolation(error)) throw new Conflict("username is already taken", { field: "username" });
    throw error;
  }

  return {
    async list(
      q: ListQuery & { level?: number | undefined },
    ): Promise<{ rows: User[]; total: number; page: number; nextCursor: string | null }> {
      let base = db.selectFrom("users");
      if (q.q) {
        const p = likePattern(q.q);
        base = base.where((eb) =>
          eb.or([ilike("username", p), ilike("display_name", p), ilike("email", p), ilike("phone", p)]),
        );
      }
      if (q.level !== undefined) base = base.where("level", "=", q.level);
      const { column, direction } = parseSort(q.sort, sortColumns, "username");
      const keys = [{ ref: column, nullable: column === "email" }];
      const plan = planPage(db, q, { keys, id: "id", direction, sort: q.sort ?? "username" });
      const [rows, count] = await Promise.all([
        applyPage(base.selectAll(), plan).execute(),
        countOnce(plan, () => base.select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()),
      ]);
      const page = finishPage(rows, plan, Number(count.n));
      return { ...page, rows: page.rows.map(toUser), total: Number(count.n) };
    },

    async findById(id: string): Promise<User | undefined> {
      const r = await db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
      return r && toUser(r);
    },

    async exists(id: string): Promise<boolean> {
      return Boolean(await db.selectFrom("users").select("id").where("id", "=", id).executeTakeFirst());
    },

    /** Usernames by id, for lists of other modules' rows that show their owner. */
    async usernamesOf(ids: string[]): Promise<Map<string, string>> {
      const out = new Map<string, string>();
      const unique = [...new Set(ids)];
      for (let i = 0; i < unique.length; i += 500) {
        const rows = await db
          .selectFrom("users")
          .select(["id", "username"])
          .where("id", "in", unique.slice(i, i + 500))
          .execute();
        for (const r of rows) out.set(r.id, r.username);
      }
      return out;
    },

    /** Ids of users whose username matches a list search (same LIKE rules as every list). */
    async idsMatchingUsername(q: string): Promise<string[]> {
      const rows = await db
        .selectFrom("users")
        .select("id")
        .where(ilike("username", likePattern(q)))
        .execute();
      return rows.map((r) => r.id);
    },

    /** Lookup by name, case-insensitively; the caller compares the exact spelling where it matters. */
    async findCredentialsByUsername(username: string) {
      const r = await db
        .selectFrom("users")
        .selectAll()
        .where("username_key", "=", username.toLowerCase())
        .executeTakeFirst();
      return r && { user: toUser(r), passwordHash: r.password_hash };
    },

    /** Ids of the users with this email (case-insensitive) or this phone: self-service lookups. */
    async idsByContact(by: { email?: string; phone?: string }): Promise<string[]> {
      let q = db.selectFrom("users").select("id");
      if (by.email !== undefined) q = q.where((eb) => eb(eb.fn("lower", ["email"]), "=", by.email!.toLowerCase()));
      if (by.phone !== undefined) q = q.where("phone", "=", by.phone);
      return (await q.orderBy("created_at").execute()).map((r) => r.id);
    },

    /** Phone-service login: the user (case-insensitive name) and their PIN hash. */
    async findPinCredentialsByUsername(username: string) {
      const r = await db
        .selectFrom("users")
        .selectAll()
        .where("username_key", "=", username.toLowerCase())
        .executeTakeFirst();
      return r && { user: toUser(r), pinHash: r.pin_hash };
    },

    async insert(
      id: string,
      w: Required<Omit<UserWrite, "pinHash">> & Pick<UserWrite, "pinHash">,
      now: string,
    ): Promise<User> {
      try {
        await db
          .insertInto("users")
          .values({
            id,
            username: w.username,
            username_key: w.username.toLowerCase(),
            display_name: w.displayName,
            email: w.email,
            phone: w.phone,
            level: w.level,
            activated: w.activated ? 1 : 0,
            password_hash: w.passwordHash,
            pin_hash: w.pinHash ?? null,
            created_at: now,
            updated_at: now,
          })
          .execute();
      } catch (error) {
        usernameConflict(error);
      }
      return (await this.findById(id))!;
    },

    async update(id: string, w: UserWrite, now: string, conn: Kysely<Pick<Database, "users">> = db): Promise<void> {
      try {
        await conn
          .updateTable("users")
          .set({
            ...(w.username !== undefined && { username: w.username, username_key: w.username.toLowerCase() }),
            ...(w.displayName !== undefined && { display_name: w.displayName }),
            ...(w.email !== undefined && { email: w.email }),
            ...(w.phone !== undefined && { phone: w.phone }),
            ...(w.level !== undefined && { level: w.level }),
            ...(w.activated !== undefined && { activated: w.activated ? 1 : 0 }),
            ...(w.passwordHash !== undefined && { password_hash: w.passwordHash }),
            ...(w.pinHash !== undefined && { pin_hash: w.pinHash }),
            updated_at: now,
          })
          .where("id", "=", id)
          .execute();
      } catch (error) {
        usernameConflict(error);
      }
    },

    async delete(id: string, conn: Kysely<Pick<Database, "users">> = db): Promise<boolean> {
      const res = await conn.deleteFrom("users").where("id", "=", id).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },

    /**
     * Runs a change that takes `id` out of the active superadmins only while another one stays: in one
     * transaction that first locks every active superadmin row (SELECT … FOR UPDATE on PostgreSQL and
     * MariaDB; SQLite has one writer at a time), so two superadmins demoting themselves at once cannot both
     * pass the check. Returns false (and changes nothing) when `id` is the last one.
     */
    async whileAnotherSuperadminStays(
      id: string,
      change: (conn: Kysely<Pick<Database, "users">>) => Promise<void>,
    ): Promise<boolean> {
      const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
      return inTransaction(db, async (trx) => {
        // SQLite: a write first takes the database's one write lock (waiting behind another server's), so
        // the read below cannot be outdated by a writer that commits before us.
        if (sqlite)
          await trx.updateTable("users").set({ level: 0 }).where("id", "=", id).where("level", "=", -1).execute();
        const q = trx.selectFrom("users").select("id").where("level", "=", 0).where("activated", "=", 1);
        const active = await (sqlite ? q : q.forUpdate()).execute();
        if (active.some((r) => r.id === id) && !active.some((r) => r.id !== id)) return false;
        await change(trx);
        return true;
      });
    },

    async passwordHashOf(id: string): Promise<string | null | undefined> {
      const r = await db.selectFrom("users").select("password_hash").where("id", "=", id).executeTakeFirst();
      return r?.password_hash;
    },

    /** Active superadmins other than `exceptId`: the ones who could still log in. */
    async countOtherActiveSuperadmins(exceptId: string): Promise<number> {
      const r = await db
        .selectFrom("users")
        .select((eb) => eb.fn.countAll().as("n"))
        .where("level", "=", 0)
        .where("activated", "=", 1)
        .where("id", "!=", exceptId)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },

    async countSuperadmins(): Promise<number> {
      const r = await db
        .selectFrom("users")
        .select((eb) => eb.fn.countAll().as("n"))
        .where("level", "=", 0)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },

    async count(): Promise<number> {
      const r = await db
        .selectFrom("users")
        .select((eb) => eb.fn.countAll().as("n"))
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
  };
}
export type UsersRepository = ReturnType<typeof createUsersRepository>;

function toUser(r: Selectable<UsersTable>): User {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    email: r.email,
    phone: r.phone,
    level: Number(r.level),
    activated: Number(r.activated) === 1,
    hasPassword: r.password_hash !== null,
    hasPin: r.pin_hash !== null && r.pin_hash !== undefined,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
