import type { ListQuery, User } from "@cisisk/contract";
import type { Kysely, Selectable } from "kysely";
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

    async update(id: string, w: UserWrite, now: string): Promise<void> {
      try {
        await db
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

    async delete(id: string): Promise<boolean> {
      const res = await db.deleteFrom("users").where("id", "=", id).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
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
