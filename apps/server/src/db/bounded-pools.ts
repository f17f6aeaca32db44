import type { MysqlPool, MysqlPoolConnection, PostgresPool, PostgresPoolClient } from "kysely";
import type { Pool as MysqlRawPool, PoolConnection as MysqlRawConnection } from "mysql2";
import type { Pool as PgRawPool, PoolClient as PgRawClient } from "pg";
import { DatabaseUnavailable } from "../errors.js";

/**
 * Client-side bounds on every database round trip. A server that accepts connections and never answers
 * would otherwise hold a request (or start-up) for ever: the drivers' own timeouts cover connecting
 * (pg `connectionTimeoutMillis`, mysql2 `connectTimeout`) but not a query on an open connection, nor
 * waiting for a free pool slot (mysql2). A timed-out connection is thrown away, never reused.
 */
export interface DatabaseTimeouts {
  /** Getting a connection: a pool slot, the TCP connect and the handshake. */
  connectMs: number;
  /** One statement, from sending it to its answer. */
  statementMs: number;
}

export const defaultDatabaseTimeouts: DatabaseTimeouts = { connectMs: 5000, statementMs: 15_000 };

const unavailable = (what: string, ms: number) =>
  new DatabaseUnavailable(`the database did not answer ${what} within ${ms} ms`);

/** Resolves or rejects with `promise`, or rejects with `onTimeout()` after `ms`; `late` gets a value that came too late. */
function within<T>(promise: Promise<T>, ms: number, onTimeout: () => Error, late?: (value: T) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let expired = false;
    const timer = setTimeout(() => {
      expired = true;
      reject(onTimeout());
    }, ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        if (expired) late?.(value);
        else resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        if (!expired) reject(error);
      },
    );
  });
}

export function boundedPostgresPool(
  pool: PgRawPool,
  t: DatabaseTimeouts,
  onClientError: (error: Error) => void,
): PostgresPool {
  const broken = new WeakSet<PgRawClient>();
  const patched = new WeakSet<PgRawClient>();
  return {
    async connect() {
      const client = await within(
        pool.connect().catch((error: Error) => {
          throw new DatabaseUnavailable(`cannot connect to the database: ${error.message}`);
        }),
        t.connectMs + 500,
        () => unavailable("a connection request", t.connectMs),
        (c) => c.release(),
      );
      if (!patched.has(client)) {
        patched.add(client);
        // pg-pool listens for errors only while a client is idle: a checked-out client that the server
        // ends between two statements (57P01 on shutdown or DROP DATABASE … FORCE) would otherwise throw
        // an uncaught 'error'. The statement that follows fails on its own and the pool discards the client.
        client.on("error", (error) => {
          broken.add(client);
          onClientError(error);
        });
        const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
        (client as { query: unknown }).query = (...args: unknown[]) => {
          // Cursors (streamed queries) bring their own flow control; plain statements get the bound.
          if (typeof args[0] !== "string") return query(...args);
          return within(query(...args), t.statementMs, () => {
            broken.add(client);
            return unavailable("a statement", t.statementMs);
          });
        };
      }
      // pg-pool hands out a fresh release() on every checkout: an error argument removes the client.
      const release = client.release.bind(client);
      client.release = (err?: Error | boolean) => release(broken.has(client) ? new Error("statement timed out") : err);
      return client as unknown as PostgresPoolClient;
    },
    end: () => pool.end(),
  };
}

export function boundedMysqlPool(pool: MysqlRawPool, t: DatabaseTimeouts): MysqlPool {
  const broken = new WeakSet<MysqlRawConnection>();
  const patched = new WeakSet<MysqlRawConnection>();
  return {
    getConnection(callback) {
      let done = false;
      const timer = setTimeout(() => {
        done = true;
        callback(unavailable("a connection request", t.connectMs), undefined as never);
      }, t.connectMs + 500);
      pool.getConnection((err, conn) => {
        clearTimeout(timer);
        if (done) {
          conn?.release();
          return;
        }
        done = true;
        if (err)
          return callback(
            new DatabaseUnavailable(`cannot connect to the database: ${err.message}`),
            undefined as never,
          );
        if (!patched.has(conn)) {
          patched.add(conn);
          const query = conn.query.bind(conn) as (...args: unknown[]) => unknown;
          const release = conn.release.bind(conn);
          (conn as { query: unknown }).query = (...args: unknown[]) => {
            const cb = args[2];
            // Streamed queries (no callback) pass through; callback queries get the bound.
            if (typeof cb !== "function") return query(...args);
            let answered = false;
            const statementTimer = setTimeout(() => {
              answered = true;
              broken.add(conn);
              (cb as (e: Error) => void)(unavailable("a statement", t.statementMs));
            }, t.statementMs);
            return query(args[0], args[1], (...result: unknown[]) => {
              clearTimeout(statementTimer);
              if (!answered) (cb as (...r: unknown[]) => void)(...result);
            });
          };
          conn.release = () => (broken.has(conn) ? conn.destroy() : release());
        }
        callback(null, conn as unknown as MysqlPoolConnection);
      });
    },
    end: (callback) => pool.end(callback),
  };
}
