import { Migrator, type Kysely, type Migration, type MigrationProvider } from "kysely";
import * as m0001 from "./migrations/0001-init.js";
import * as m0002 from "./migrations/0002-inventory.js";
import * as m0003 from "./migrations/0003-asterisk.js";
import * as m0004 from "./migrations/0004-deployments.js";
import * as m0005 from "./migrations/0005-directory.js";
import * as m0006 from "./migrations/0006-followups.js";
import * as m0007 from "./migrations/0007-runtime.js";
import * as m0009 from "./migrations/0009-cisco-fidelity.js";
import * as m0011 from "./migrations/0011-boundaries.js";
import * as m0012 from "./migrations/0012-admin-security.js";
import * as m0013 from "./migrations/0013-provisioning.js";
import * as m0014 from "./migrations/0014-accounts.js";
import * as m0015 from "./migrations/0015-file-store.js";
import * as m0016 from "./migrations/0016-account-refresh-reuse.js";
import * as m0017 from "./migrations/0017-list-indexes.js";
import * as m0018 from "./migrations/0018-row-counts.js";
import * as m0019 from "./migrations/0019-unique-sort-indexes.js";
import * as m0022 from "./migrations/0022-admin-list-indexes.js";

/** Migrations live in code, keyed in order, so tsx and bundled runs behave the same. */
const migrations: Record<string, Migration> = {
  "0001_init": m0001,
  "0002_inventory": m0002,
  "0003_asterisk": m0003,
  "0004_deployments": m0004,
  "0005_directory": m0005,
  "0006_followups": m0006,
  "0007_runtime": m0007,
  "0009_cisco_fidelity": m0009,
  "0011_boundaries": m0011,
  "0012_admin_security": m0012,
  "0013_provisioning": m0013,
  "0014_accounts": m0014,
  "0015_file_store": m0015,
  "0016_account_refresh_reuse": m0016,
  "0017_list_indexes": m0017,
  "0018_row_counts": m0018,
  "0019_unique_sort_indexes": m0019,
  "0022_admin_list_indexes": m0022,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Applies pending migrations; Kysely's lock table makes concurrent starts of several servers safe. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the migrator works on any schema
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  // Unordered: modules developed in parallel add numbered migrations that may land in any order.
  const migrator = new Migrator({ db, provider, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
