import type { Config } from "./config.js";
import type { Db } from "./db/connect.js";
import { createSecretBox } from "./lib/secret-box.js";
import { systemClock, type Clock } from "./lib/time.js";
import { createAccessTokens } from "./modules/auth/access-tokens.js";
import { createAuthRepository } from "./modules/auth/auth.repository.js";
import { createAuthService } from "./modules/auth/auth.service.js";
import { createHealthService } from "./modules/health/health.service.js";
import { createPhoneSessionsService } from "./modules/phone-sessions/phone-sessions.service.js";
import { createUsersRepository } from "./modules/users/users.repository.js";
import { createUsersService } from "./modules/users/users.service.js";
import { createDirectoryRepository } from "./modules/directory/directory.repository.js";
import { createDirectoryService } from "./modules/directory/directory.service.js";
import { createPhoneLoginAttempts } from "./modules/services/phone-login-attempts.repository.js";
import { createPhonesTableLookup } from "./modules/services/phone-lookup.js";
import { createPhoneXmlService } from "./modules/services/phone-xml.service.js";
import { createServicesRepository } from "./modules/services/services.repository.js";
import { createServicesService } from "./modules/services/services.service.js";

/** The composition root: every service built once, from config and the database, passed down explicitly. */
export function createDeps(config: Config, db: Db, options: { clock?: Clock } = {}) {
  const clock = options.clock ?? systemClock;
  const secretBox = createSecretBox(config.auth.secretKey);
  const authRepo = createAuthRepository(db.kysely);
  const usersRepo = createUsersRepository(db.kysely);

  const users = createUsersService({
    repo: usersRepo,
    clock,
    endSessionsOf: (userId, reason) => auth.endSessionsOf(userId, reason),
  });
  const auth = createAuthService({
    repo: authRepo,
    users,
    accessTokens: createAccessTokens(config.auth.jwtSecret, config.auth.accessTokenTtlSeconds),
    clock,
    settings: config.auth,
  });
  const health = createHealthService({
    db: db.kysely,
    config,
    clock,
    startedAt: clock(),
    counts: { users: users.count },
  });

  const phoneSessions = createPhoneSessionsService({
    db: db.kysely,
    clock,
    ttlHours: config.phone_services.session_ttl_hours,
  });

  const directory = createDirectoryService({
    repo: createDirectoryRepository(db.kysely),
    clock,
    userExists: async (id) => (await usersRepo.findById(id)) !== undefined,
  });
  const servicesRepo = createServicesRepository(db.kysely);
  const services = createServicesService({ repo: servicesRepo, clock });
  const phoneXml = createPhoneXmlService({
    // TODO(lead): swap for the phones module's service once it lands (it only needs findByMac).
    phones: createPhonesTableLookup(db.kysely),
    directory,
    services: servicesRepo,
    users,
    sessions: phoneSessions,
    attempts: createPhoneLoginAttempts(db.kysely),
    clock,
  });

  return { config, db, clock, secretBox, users, auth, health, phoneSessions, directory, services, phoneXml };
}
export type Deps = ReturnType<typeof createDeps>;
