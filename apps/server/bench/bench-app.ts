// The in-process app the HTTP benches measure: a fresh database, the real deps and routes, and a logged-in admin.
import { buildApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { createDeps } from "../src/deps.js";
import { createLogger } from "../src/logger.js";
import { createTestDatabase } from "../src/test/test-database.js";

export async function startBenchApp(options: { shared?: boolean } = {}) {
  const db = await createTestDatabase(options);
  const config = loadConfig(
    {
      JWT_SECRET: "bench-secret-bench-secret-bench-secret-0123",
      CISISK_SECRET_KEY: "bench-key-bench-key-bench-key-bench-key-0123",
      CISISK_CONFIG: "/dev/null/none.toml",
    },
    { allowMissingConfigFile: true },
  );
  const deps = createDeps(config, db, { log: createLogger("warn") });
  const app = await buildApp(deps);
  await deps.users.ensureSuperadmin("admin", "bench-password-1", () => "bench-password-1");
  const login = await app.inject({
    method: "POST",
    url: "/api/v1/auth/login",
    payload: { username: "admin", password: "bench-password-1" },
  });
  const authorization = `Bearer ${login.json().accessToken}`;
  return {
    db,
    deps,
    app,
    authorization,
    /** Closes the app and adapters; the database too unless `keepDatabase`. */
    async close(keepDatabase = false) {
      await app.close();
      await deps.closeAdapters();
      if (!keepDatabase) await db.close();
    },
  };
}

/** The p-th percentile of ascending `sorted` samples. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
