import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { connectDatabase, dialectOf, type Db } from "../db/connect.js";
import { migrateToLatest } from "../db/migrate.js";

/**
 * A fresh, migrated database for one test file, on the engine named by DATABASE_URL:
 * in-memory SQLite by default (a temporary file when `shared` with other processes); on PostgreSQL/MySQL a new
 * database beside the one in the URL, dropped on close.
 */
export async function createTestDatabase(options: { shared?: boolean } = {}): Promise<Db & { url: string }> {
  const baseUrl = process.env.DATABASE_URL ?? "sqlite::memory:";
  const dialect = dialectOf(baseUrl);
  if (dialect === "sqlite" && options.shared) {
    // Other processes (servers started by the test) open the same file.
    const dir = mkdtempSync(path.join(tmpdir(), "cisisk-db-"));
    const url = `sqlite:${path.join(dir, "cisisk.db")}`;
    const db = await connectDatabase(url);
    await migrateToLatest(db.kysely);
    return {
      ...db,
      url,
      async close() {
        await db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  if (dialect === "sqlite") {
    const db = await connectDatabase(baseUrl.includes(":memory:") ? "sqlite::memory:" : baseUrl);
    await migrateToLatest(db.kysely);
    return { ...db, url: "sqlite::memory:" };
  }

  const name = `cisisk_t_${randomBytes(6).toString("hex")}`;
  const admin = await connectDatabase(baseUrl);
  try {
    await sql`create database ${sql.id(name)}`.execute(admin.kysely);
  } finally {
    await admin.close();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const db = await connectDatabase(url.toString());
  await migrateToLatest(db.kysely);
  return {
    ...db,
    url: url.toString(),
    async close() {
      await db.close();
      const cleanup = await connectDatabase(baseUrl);
      try {
        await sql`drop database if exists ${sql.id(name)}${sql.raw(dialect === "postgres" ? " with (force)" : "")}`.execute(
          cleanup.kysely,
        );
      } finally {
        await cleanup.close();
      }
    },
  };
}
