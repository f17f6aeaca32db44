import {
  SUPERADMIN_LEVEL,
  type CreateUserInput,
  type ListResponse,
  type UpdateUserInput,
  type User,
} from "@cisisk/contract";
import { Conflict, NotFound } from "../../errors.js";
import { newId } from "../../lib/ids.js";
import { iso, type Clock } from "../../lib/time.js";
import { hashPassword } from "../auth/passwords.js";
import type { UsersRepository } from "./users.repository.js";

export interface UsersServiceDeps {
  repo: UsersRepository;
  clock: Clock;
  /** Ends every login of a user (password changed, deactivated, demoted, deleted). */
  endSessionsOf(userId: string, reason: string): Promise<void>;
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

  /** The console must always keep one superadmin who can log in. */
  async function assertNotLastSuperadmin(user: User, action: string, field?: "level" | "activated"): Promise<void> {
    if (user.level !== SUPERADMIN_LEVEL || !user.activated) return;
    if ((await repo.countOtherActiveSuperadmins(user.id)) === 0) {
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

    async update(id: string, patch: UpdateUserInput, actorId: string): Promise<User> {
      const user = await getOrThrow(id);
      const demoted = patch.level !== undefined && patch.level !== SUPERADMIN_LEVEL && user.level === SUPERADMIN_LEVEL;
      const deactivated = patch.activated === false && user.activated;
      if (demoted) await assertNotLastSuperadmin(user, "demote", "level");
      if (deactivated) await assertNotLastSuperadmin(user, "deactivate", "activated");
      const { password, pin, ...fields } = patch;
      await repo.update(
        id,
        {
          ...fields,
          ...(password !== undefined && { passwordHash: await hashPassword(password) }),
          ...(pin !== undefined && { pinHash: pin === null ? null : await hashPassword(pin) }),
        },
        iso(clock()),
      );
      // A new password, a lost console right or a deactivation must end the old logins at once.
      if (demoted || deactivated || (password !== undefined && id !== actorId)) {
        await deps.endSessionsOf(id, demoted ? "demoted" : deactivated ? "deactivated" : "password_changed");
      }
      return getOrThrow(id);
    },

    async delete(id: string, actorId: string): Promise<void> {
      const user = await getOrThrow(id);
      if (id === actorId) throw new Conflict("you cannot delete your own account", { id });
      await assertNotLastSuperadmin(user, "delete");
      await repo.delete(id);
    },

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
    count: repo.count,
  };
}
export type UsersService = ReturnType<typeof createUsersService>;
