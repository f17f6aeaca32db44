// Bulk deploy of one profile to 500 phones against a local FTP server (ftp-srv) and SIP UAS, next to the
// limit: a plain sequential loop of the same FTP uploads (same files, same client library, one connection).
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { Client } from "basic-ftp";
import { buildApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { createDeps } from "../src/deps.js";
import { createLogger } from "../src/logger.js";
import { newId } from "../src/lib/ids.js";
import { startFtpServer, startSipPhone } from "../src/test/phone-peers.js";
import { createTestDatabase } from "../src/test/test-database.js";

const PHONES = Number(process.env.BENCH_PHONES ?? 500);

export async function run(): Promise<void> {
  const [ftp, sip] = await Promise.all([startFtpServer(), startSipPhone()]);
  mkdirSync(path.join(ftp.root, "tftp"));
  const db = await createTestDatabase();
  const config = loadConfig(
    {
      JWT_SECRET: "bench-secret-bench-secret-bench-secret-0123",
      CISISK_SECRET_KEY: "bench-key-bench-key-bench-key-bench-key-0123",
      CISISK_CONFIG: "/dev/null/none.toml",
      LOG_LEVEL: "silent",
    },
    {
      allowMissingConfigFile: true,
      toml: {
        ftp: {
          host: "127.0.0.1",
          port: ftp.port,
          username: ftp.credentials.username,
          password: ftp.credentials.password,
          directory: "/tftp",
          backup_directory: "/backups",
          pool_size: Number(process.env.BENCH_POOL ?? 4),
        },
        restart: { sip_port: sip.port, timeout_ms: 5000, concurrency: Number(process.env.BENCH_CONCURRENCY ?? 8) },
      },
    },
  );
  const deps = createDeps(config, db, { log: createLogger("warn") });
  const app = await buildApp(deps);
  try {
    // Inventory: one owner with a line, 500 SIP phones (written straight to the tables: setup, not measured).
    const now = new Date().toISOString();
    const owner = newId();
    await db.kysely
      .insertInto("users")
      .values({
        id: owner,
        username: "bench",
        username_key: "bench",
        display_name: "Bench",
        email: null,
        phone: null,
        level: 1,
        activated: 1,
        password_hash: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await db.kysely
      .insertInto("extensions")
      .values({
        id: newId(),
        number: "5001",
        technology: "SIP",
        display_name: "Bench",
        user_id: owner,
        context: "from-internal",
        secret_encrypted: deps.secretBox.seal("bench-secret"),
        ha1_md5: "0".repeat(32),
        ha1_sha256: "0".repeat(64),
        voicemail: null,
        codecs: null,
        transport: null,
        options: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const phones = Array.from({ length: PHONES }, (_, i) => ({
      id: newId(),
      mac: `0C1167${i.toString(16).toUpperCase().padStart(6, "0")}`,
      brand: "cisco",
      model: "8845",
      software_type: "SIPE",
      ip: "127.0.0.1",
      location: null,
      label: null,
      user_id: null,
      current_profile_id: null,
      created_at: now,
      updated_at: now,
    }));
    for (let i = 0; i < phones.length; i += 100)
      await db.kysely
        .insertInto("phones")
        .values(phones.slice(i, i + 100))
        .execute();
    const profile = await deps.profiles.create({
      name: "bench",
      description: null,
      userId: owner,
      compatibleModels: [],
      softwareType: "SIPE",
    });
    const sample = (await deps.profiles.renderForDeploy(profile, (await deps.phones.get(phones[0]!.id))!)).xml;
    const content = Buffer.from(sample);

    // Every phone already has a file: a redeploy backs it up first, as in production.
    const seed = () => {
      for (const p of phones) writeFileSync(path.join(ftp.root, "tftp", `SEP${p.mac}.cnf.xml`), "<device/>\n");
    };

    // The limit: the same uploads in a plain loop on one connection.
    seed();
    const client = new Client(5000);
    await client.access({
      host: "127.0.0.1",
      port: ftp.port,
      user: ftp.credentials.username,
      password: ftp.credentials.password,
    });
    let t0 = performance.now();
    for (const p of phones) await client.uploadFrom(Readable.from([content]), `/tftp/SEP${p.mac}.cnf.xml`);
    const limitSeconds = (performance.now() - t0) / 1000;
    client.close();

    seed();
    t0 = performance.now();
    const batch = await deps.deployments.startBatch(
      profile.id,
      phones.map((p) => p.id),
    );
    let state = await deps.deployments.batch(batch.id, false);
    while (state.status !== "finished") {
      await new Promise((r) => setTimeout(r, 20));
      state = await deps.deployments.batch(batch.id, false);
    }
    const oursSeconds = (performance.now() - t0) / 1000;
    const limitRate = PHONES / limitSeconds;
    const oursRate = PHONES / oursSeconds;
    console.log(`phones: ${PHONES}; FTP pool ${config.ftp.pool_size}, concurrency ${config.restart.concurrency}`);
    console.log(
      `limit (plain sequential FTP uploads, one connection): ${limitRate.toFixed(1)} phones/s (${limitSeconds.toFixed(2)} s)`,
    );
    console.log(
      `bulk deploy (backup + upload + verify + NOTIFY + session reset + DB): ${oursRate.toFixed(1)} phones/s (${oursSeconds.toFixed(2)} s)`,
    );
    console.log(
      `ratio: ${(oursRate / limitRate).toFixed(2)} (target ≥ 0.80); succeeded ${state.succeeded}, failed ${state.failed}; NOTIFYs received ${sip.received.length}`,
    );
    if (state.failed > 0) {
      const full = await deps.deployments.batch(batch.id, true);
      console.log(
        "first failure:",
        full.results.find((r) => r.status === "failed"),
      );
    }
  } finally {
    await app.close();
    await db.close();
    await Promise.all([ftp.close(), sip.close()]);
  }
}
