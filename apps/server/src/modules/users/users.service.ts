import {
  SUPERADMIN_LEVEL,
  type CreateUserInput,
  type ListResponse,
  type UpdateUserInput,
  type User,
} from "@cisisk/contract";
import { Conflict, Forbidden, NotFound } from "../../errors.js";
import { newId } from "../../lib/ids.js";
import { iso, type Clock } from "../../lib/time.js";
import { hashPassword } from "../auth/passwords.js";
import type { UsersRepository } from "./users.repository.js";

export interface UsersServiceDeps {
  repo: UsersRepository;
  clock: Clock;
  /** Ends every login of a user (password changed, deactivated, demoted, deleted). */
  endSessionsOf(userId: string, reason: string): Promise<void>;
  /** Other modules' rules on a user's life (its SIP account and Asterisk objects follow it). */
  beforeUpdate?(user: User, patch: UpdateUserInput): Promise<void>;
  afterUpdate?(user: User, patch: UpdateUserInput): Promise<void>;
  beforeDelete?(user: User): Promise<void>;
}

type CreateUser = Omit<CreateUserInput, "level" | "activated"> & { level: number; activated: boolean };
type ListUsersQuery = {
  page: number;
  pageSize: number;
  q?: string | undefined;
  sort?: string | undefined;
  level?: number | undefined;
};

export function createUsersService(deps: UsersServiceDeps) {
  const { repo, clock } = deps;

  async function getOrThrow(id: string): Promise<User> {
    const user = await repo.findById(id);
    if (!user) throw new NotFound("user", { id });
    return user;
  }

  /** The console must always keep one superadmin who can log in: checked and written atomically. */
  async function keepingASuperadmin(
    user: User,
    action: string,
    field: "level" | "activated" | undefined,
    change: Parameters<UsersRepository["whileAnotherSuperadminStays"]>[1],
  ): Promise<void> {
    if (!(await repo.whileAnotherSuperadminStays(user.id, change))) {
      throw new Conflict(`cannot ${action} the last active superadmin`, { id: user.id, ...(field && { field }) });
    }
  }

  return {
    async list(q: ListUsersQuery): Promise<ListResponse<User>> {
      const { rows, total, page, nextCursor } = await repo.list(q);
      return { data: rows, total, page, pageSize: q.pageSize, nextCursor };
    },

    get: getOrThrow,

    async create(input: CreateUser): Promise<User> {
      const now = iso(clock());
      return repo.insert(
        newId(),
        {
          username: input.username,
          displayName: input.displayName || input.username,
          email: input.email ?? null,
          phone: input.phone ?? null,
          level: input.level,
          activated: input.activated,
          passwordHash: input.password ? await hashPassword(input.password) : null,
          pinHash: input.pin ? await hashPassword(input.pin) : null,
        },
        now,
      );
    },

    /**
     * `ownPasswordProven`: the caller has already proven the user's right to set its own password (self-service: current
     * password, confirmation link or PIN), so the console's own-password rule does not apply.
     */
    async update(
      id: string,
      patch: UpdateUserInput,
      actorId: string,
      options: { ownPasswordProven?: boolean } = {},
    ): Promise<User> {
      const user = await getOrThrow(id);
      const demoted = patch.level !== undefined && patch.level !== SUPERADMIN_LEVEL && user.level === SUPERADMIN_LEVEL;
      const deactivated = patch.activated === false && user.activated;
      const { password, pin, ...fields } = patch;
      // A stolen access token must not become a permanent takeover: one's own password changes only through
      // POST /auth/password, which asks for the current one and ends the other sessions.
      if (password !== undefined && id === actorId && !options.ownPasswordProven)
        throw new Forbidden("change your own password with POST /api/v1/auth/password (it needs the current one)", {
          field: "password",
        });
      const write = {
        ...fields,
        ...(password !== undefined && { passwordHash: await hashPassword(password) }),
        ...(pin !== undefined && { pinHash: pin === null ? null : await hashPassword(pin) }),
      };
      await deps.beforeUpdate?.(user, patch);
      const now = iso(clock());
      if (demoted || deactivated)
        await keepingASuperadmin(user, demoted ? "demote" : "deactivate", demoted ? "level" : "activated", (conn) =>
          repo.update(id, write, now, conn),
        );
      else await repo.update(id, write, now);
      // A new password, a lost console right or a deactivation must end the old logins at once.
      if (demoted || deactivated || (password !== undefined && id !== actorId)) {
        await deps.endSessionsOf(id, demoted ? "demoted" : deactivated ? "deactivated" : "password_changed");
      }
      const updated = await getOrThrow(id);
      await deps.afterUpdate?.(updated, patch);
      return updated;
    },

    async delete(id: string, actorId: string): Promise<void> {
      const user = await getOrThrow(id);
      if (id === actorId) throw new Conflict("you cannot delete your own account", { id });
      // The SIP side goes first (it finds the account's lines by this user), so a refusal is checked first too;
      // the delete itself checks again atomically.
      await keepingASuperadmin(user, "delete", undefined, async () => {});
      await deps.beforeDelete?.(user);
      await keepingASuperadmin(user, "delete", undefined, async (conn) => {
        await repo.delete(id, conn);
      });
    },

    /** Sets a password (own change through POST /auth/password, or the admin CLI); the caller ends sessions. */
    async setPassword(id: string, password: string): Promise<void> {
      await getOrThrow(id);
      await repo.update(id, { passwordHash: await hashPassword(password) }, iso(clock()));
    },

    /** Makes a user an active superadmin again (the admin CLI's recovery). */
    async restoreSuperadmin(id: string): Promise<void> {
      await repo.update(id, { level: SUPERADMIN_LEVEL, activated: true }, iso(clock()));
    },

    passwordHashOf: repo.passwordHashOf,
    countOtherActiveSuperadmins: repo.countOtherActiveSuperadmins,

    /** Creates the first superadmin when none exists. Returns the password if it had to be generated. */
    async ensureSuperadmin(username: string, password: string | undefined, generate: () => string) {
      if ((await repo.countSuperadmins()) > 0) return { created: false as const };
      const existing = await repo.findCredentialsByUsername(username);
      if (existing) return { created: false as const, conflict: true as const };
      const chosen = password ?? generate();
      await this.create({
        username,
        displayName: "Administrator",
        level: SUPERADMIN_LEVEL,
        activated: true,
        password: chosen,
      });
      return { created: true as const, generatedPassword: password ? undefined : chosen };
    },

    /** The one "does this user exist" check other modules use before linking a row to a user. */
    exists: repo.exists,
    usernamesOf: repo.usernamesOf,
    idsMatchingUsername: repo.idsMatchingUsername,
    idByUsername: async (username: string) => (await repo.findCredentialsByUsername(username))?.user.id,
    findCredentialsByUsername: repo.findCredentialsByUsername,
    findPinCredentialsByUsername: repo.findPinCredentialsByUsername,
    idsByContact: repo.idsByContact,
    count: repo.count,
  };
}
export type UsersService = ReturnType<typeof createUsersService>;
