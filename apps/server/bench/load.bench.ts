// A bounded burst against the real server over HTTP: 2,000 requests at concurrency 50, cycling through
// console login, a list (/api/v1/directory) and the phones' /cisco/directory/results. Prints the rate,
// p50/p95/p99, errors, status counts and RSS before and after; any 5xx fails the run (exit code 1).
// Runs on the DATABASE_URL engine (SQLite by default).
import autocannon from "autocannon";
import { buildApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { createDeps } from "../src/deps.js";
import { createLogger } from "../src/logger.js";
import { createTestDatabase } from "../src/test/test-database.js";

const REQUESTS = 2_000;
const CONCURRENCY = 50;
const MAC = "BE0000000002";
const ADMIN = { username: "admin", password: "bench-password-1" };

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

export async function run(): Promise<void> {
  const db = await createTestDatabase();
  const config = loadConfig(
    {
      JWT_SECRET: "bench-secret-bench-secret-bench-secret-0123456789",
      CISISK_SECRET_KEY: "bench-key-bench-key-bench-key-bench-key-0123456789",
      CISISK_CONFIG: "/dev/null/none.toml",
    },
    { allowMissingConfigFile: true },
  );
  const deps = createDeps(config, db, { log: createLogger("warn") });
  const app = await buildApp(deps);
  await deps.users.ensureSuperadmin(ADMIN.username, ADMIN.password, () => ADMIN.password);
  const base = await app.listen({ port: 0, host: "127.0.0.1" });
  try {
    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(ADMIN),
    });
    const auth = { authorization: `Bearer ${((await login.json()) as { accessToken: string }).accessToken}` };
    const post = (url: string, body: unknown) =>
      fetch(`${base}${url}`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    await post("/api/v1/phones", { mac: MAC, model: "8845", softwareType: "SIPE" });
    const names = ["Silva", "Santos", "Ferreira", "Pereira", "Oliveira", "Costa", "Rodrigues", "Martins"];
    for (let i = 0; i < 400; i++)
      await post("/api/v1/directory", {
        firstName: `Ana ${i}`,
        lastName: names[i % names.length],
        workNumber: `+351 21 000 ${String(i).padStart(3, "0")}`,
      });

    const statuses = new Map<number, number>();
    const times: number[] = [];
    const rssBefore = process.memoryUsage().rss;
    let instance!: autocannon.Instance;
    const finished = new Promise<autocannon.Result>((resolve, reject) => {
      instance = autocannon(
        {
          url: base,
          connections: CONCURRENCY,
          amount: REQUESTS,
          requests: [
            {
              method: "POST",
              path: "/api/v1/auth/login",
              headers: { "content-type": "application/json" },
              body: JSON.stringify(ADMIN),
            },
            { method: "GET", path: "/api/v1/directory?pageSize=50&q=Sil", headers: auth },
            { method: "GET", path: `/cisco/directory/results?mac=${MAC}&l=Fer&page=1` },
          ],
        },
        (err, res) => (err ? reject(err) : resolve(res)),
      );
    });
    instance.on("response", (_client: unknown, statusCode: number, _bytes: number, ms: number) => {
      statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1);
      times.push(ms);
    });
    const result = await finished;
    const rssAfter = process.memoryUsage().rss;
    times.sort((a, b) => a - b);
    const p = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(1);
    const fiveXx = [...statuses].filter(([s]) => s >= 500).reduce((n, [, c]) => n + c, 0);
    console.log(
      `burst: ${times.length} requests at concurrency ${CONCURRENCY} (login, /api/v1/directory, /cisco/directory/results in turn)`,
    );
    console.log(
      `rate ${(times.length / (result.duration || 1)).toFixed(0)} req/s over ${result.duration.toFixed(1)} s; ` +
        `latency p50 ${p(0.5)} ms, p95 ${p(0.95)} ms, p99 ${p(0.99)} ms`,
    );
    console.log(
      `statuses ${[...statuses].map(([s, n]) => `${s}×${n}`).join(" ")}; errors ${result.errors}, timeouts ${result.timeouts}, 5xx ${fiveXx}`,
    );
    console.log(`RSS before ${mb(rssBefore)}, after ${mb(rssAfter)}`);
    if (fiveXx > 0 || result.errors > 0) process.exitCode = 1;
  } finally {
    await app.close();
    await deps.closeAdapters();
    await db.close();
  }
}
