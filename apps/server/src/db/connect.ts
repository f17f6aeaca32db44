import { mkdirSync } from "node:fs";
import path from "node:path";
import { Kysely, MysqlDialect, PostgresDialect, SqliteDialect, type Dialect } from "kysely";
import {
  boundedMysqlPool,
  boundedPostgresPool,
  defaultDatabaseTimeouts,
  type DatabaseTimeouts,
} from "./bounded-pools.js";
import type { Database } from "./schema.js";

export type DialectName = "sqlite" | "postgres" | "mysql";

export interface Db {
  readonly kysely: Kysely<Database>;
  readonly dialect: DialectName;
  close(): Promise<void>;
}

export function dialectOf(databaseUrl: string): DialectName {
  if (databaseUrl.startsWith("sqlite:")) return "sqlite";
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return "postgres";
  if (/^(mysql|mariadb):\/\//.test(databaseUrl)) return "mysql";
  throw new Error(`unsupported DATABASE_URL scheme: ${databaseUrl.split(":")[0]}`);
}

export interface ConnectOptions {
  cwd?: string;
  timeouts?: DatabaseTimeouts;
  /**
   * A pooled connection failed outside a statement (the server restarted or ended it): the pool drops it
   * and opens a new one when needed. Without a listener the `error` event would crash the process.
   */
  onIdleError?: (error: Error) => void;
}

/** `sqlite:./data/x.db`, `sqlite::memory:`, `postgres://…`, `mysql://…` (MariaDB too). */
export async function connectDatabase(databaseUrl: string, options: ConnectOptions = {}): Promise<Db> {
  const dialect = dialectOf(databaseUrl);
  const kysely = new Kysely<Database>({ dialect: await createDialect(dialect, databaseUrl, options) });
  return { kysely, dialect, close: () => kysely.destroy() };
}

async function createDialect(dialect: DialectName, url: string, options: ConnectOptions): Promise<Dialect> {
  const cwd = options.cwd ?? process.cwd();
  const timeouts = options.timeouts ?? defaultDatabaseTimeouts;
  const onIdleError = options.onIdleError ?? (() => undefined);
  switch (dialect) {
    case "sqlite": {
      const { default: SQLite } = await import("better-sqlite3");
      const file = url.slice("sqlite:".length);
      const location = file === ":memory:" ? ":memory:" : path.resolve(cwd, file);
      if (location !== ":memory:") mkdirSync(path.dirname(location), { recursive: true });
      const handle = new SQLite(location);
      // WAL lets readers run during a write; foreign keys are off by default in SQLite.
      handle.pragma("journal_mode = WAL");
      handle.pragma("foreign_keys = ON");
      handle.pragma("busy_timeout = 5000");
      // Prepared statements are reused by their SQL text (Kysely would prepare every query again; under a
      // provisioning storm that was a quarter of the CPU). Bounded: parameters never reach the SQL text.
      const statements = new Map<string, ReturnType<typeof handle.prepare>>();
      const database = {
        close: () => handle.close(),
        prepare(sql: string) {
          let statement = statements.get(sql);
          if (!statement) {
            if (statements.size >= 2000) statements.clear();
            statement = handle.prepare(sql);
            statements.set(sql, statement);
          }
          return statement;
        },
      };
      return new SqliteDialect({ database });
    }
    case "postgres": {
      const { default: pg } = await import("pg");
      const pool = new pg.Pool({
        connectionString: url,
        max: 10,
        connectionTimeoutMillis: timeouts.connectMs,
        // The server cancels a runaway statement itself, before the client-side bound gives up on it.
        statement_timeout: timeouts.statementMs,
      });
      pool.on("error", onIdleError);
      return new PostgresDialect({ pool: boundedPostgresPool(pool, timeouts, onIdleError) });
    }
    case "mysql": {
      const { createPool } = await import("mysql2");
      const pool = createPool({
        uri: url.replace(/^mariadb:/, "mysql:"),
        connectionLimit: 10,
        // Timestamps are ISO strings in varchar columns; keep the driver from converting anything.
        dateStrings: true,
        supportBigNumbers: true,
        bigNumberStrings: false,
        charset: "utf8mb4",
        connectTimeout: timeouts.connectMs,
      });
      // mysql2's pooled connections drop themselves from the pool on error; nothing reaches the pool.
      return new MysqlDialect({ pool: boundedMysqlPool(pool, timeouts) });
    }
  }
}
