import type { Kysely } from "kysely";
import type { Database } from "./schema.js";

/**
 * Runs `fn` in one transaction. Inside a transaction already, `fn` joins it: Kysely cannot nest
 * transactions, and a repository method must work both alone and as part of a service's larger write.
 */
export function inTransaction<DB, T>(db: Kysely<DB>, fn: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

/** A handle a service passes from `Transact` to its repositories' factories; it never builds queries on it. */
export type TxHandle = Kysely<Database>;

/** What a service gets to write through several repositories at once: all of it commits, or none. */
export type Transact = <T>(fn: (trx: TxHandle) => Promise<T>) => Promise<T>;

export const transactor =
  (db: Kysely<Database>): Transact =>
  (fn) =>
    inTransaction(db, fn);
