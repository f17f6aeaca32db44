import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { expect } from "vitest";
import { buildApp } from "../app.js";
import { loadConfig, type LoadConfigOptions } from "../config.js";
import { createDeps, type Deps } from "../deps.js";
import type { Clock } from "../lib/time.js";
import { createLogger } from "../logger.js";
import type { Db } from "../db/connect.js";
import { createTestDatabase } from "./test-database.js";

export const ADMIN = { username: "admin", password: "admin-password-1" } as const;

export interface TestApp {
  app: FastifyInstance;
  deps: Deps;
  db: Db;
  /** Logs in as the seeded superadmin and returns `Authorization` headers. */
  adminHeaders(): Promise<Record<string, string>>;
  close(): Promise<void>;
}

/** The real buildApp on a fresh real database, with the superadmin seeded. */
export async function buildTestApp(
  options: {
    toml?: LoadConfigOptions["toml"];
    env?: Record<string, string>;
    clock?: Clock;
    /** A migrated database to use instead of a fresh one (closed with the app). */
    db?: Db;
    /** A database shared with server processes the test starts (see test/server-process.ts). */
    sharedDatabase?: boolean;
  } = {},
): Promise<TestApp & { databaseUrl: string }> {
  const db = options.db ?? (await createTestDatabase({ shared: options.sharedDatabase }));
  const config = loadConfig(
    {
      JWT_SECRET: "test-secret-test-secret-test-secret-0123456789",
      CISISK_SECRET_KEY: "test-key-test-key-test-key-test-key-0123456789",
      CISISK_CONFIG: "/dev/null/none.toml",
      ...options.env,
    },
    { toml: options.toml, allowMissingConfigFile: true },
  );
  const deps = createDeps(config, db, {
    clock: options.clock,
    log: createLogger(process.env.TEST_LOG_LEVEL ?? "silent"),
  });
  const app = await buildApp(deps);
  await deps.users.ensureSuperadmin(ADMIN.username, ADMIN.password, () => ADMIN.password);
  let cached: Record<string, string> | undefined;
  return {
    app,
    deps,
    db,
    databaseUrl: "url" in db && typeof db.url === "string" ? db.url : "",
    async adminHeaders() {
      if (cached) return cached;
      const res = await app.inject({ method: "POST", url: "/api/v1/auth/login", payload: ADMIN });
      expect(res.statusCode, res.body).toBe(200);
      cached = { authorization: `Bearer ${res.json().accessToken}` };
      return cached;
    },
    async close() {
      await app.close();
      await deps.closeAdapters();
      await db.close();
    },
  };
}

/** Asserts an error response: status, JSON envelope and code. */
export function expectError(res: LightMyRequestResponse, status: number, code: string): void {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers["content-type"]).toMatch(/application\/json/);
  const body = res.json();
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe("string");
}
