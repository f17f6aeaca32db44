import { ConfigError, loadConfig } from "./config.js";
import { connectDatabase } from "./db/connect.js";
import { migrateToLatest } from "./db/migrate.js";
import { createDeps } from "./deps.js";
import { generatePassword } from "./lib/ids.js";
import { createLogger } from "./logger.js";

const USAGE = `usage: npm run admin -- <command>
  reset-password <username>   make <username> an active superadmin with a new password (printed; or from
                              CISISK_NEW_PASSWORD) and end all of its sessions
  allow-all-networks          empty the allowed networks of the security settings (a list that shuts everyone out)
`;

/** Recovery from the server's own shell, for when nobody can log in to the console any more. */
async function run(args: string[]): Promise<number> {
  const [command, username] = args;
  if (command !== "reset-password" && command !== "allow-all-networks") {
    process.stderr.write(USAGE);
    return 2;
  }
  if (command === "reset-password" && !username) {
    process.stderr.write(USAGE);
    return 2;
  }
  const config = loadConfig();
  const db = await connectDatabase(config.server.databaseUrl);
  try {
    await migrateToLatest(db.kysely);
    const deps = createDeps(config, db, { log: createLogger("silent") });
    try {
      if (command === "allow-all-networks") {
        await deps.security.allowAllNetworks();
        process.stdout.write("allowed networks emptied: every address may log in again\n");
        return 0;
      }
      const id = await deps.users.idByUsername(username!);
      if (!id) {
        process.stderr.write(`cisisk: no user named "${username}"\n`);
        return 1;
      }
      const fromEnv = process.env.CISISK_NEW_PASSWORD;
      if (fromEnv !== undefined && (fromEnv.length < 8 || fromEnv.length > 128)) {
        process.stderr.write("cisisk: CISISK_NEW_PASSWORD must be 8 to 128 characters\n");
        return 2;
      }
      const password = fromEnv ?? generatePassword();
      await deps.users.setPassword(id, password);
      await deps.users.restoreSuperadmin(id);
      await deps.auth.endSessionsOf(id, "password_reset");
      process.stdout.write(
        fromEnv
          ? `"${username}" is an active superadmin with the password from CISISK_NEW_PASSWORD\n`
          : `"${username}" is an active superadmin; new password: ${password}\n`,
      );
      return 0;
    } finally {
      await deps.closeAdapters();
    }
  } finally {
    await db.close();
  }
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      error instanceof ConfigError
        ? `cisisk: ${error.message}\n`
        : `cisisk: ${(error as Error).stack ?? String(error)}\n`,
    );
    process.exit(1);
  },
);
