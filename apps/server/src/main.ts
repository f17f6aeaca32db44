import { ConfigError, loadConfig } from "./config.js";
import { connectDatabase } from "./db/connect.js";
import { migrateToLatest } from "./db/migrate.js";
import { buildApp } from "./app.js";
import { createDeps } from "./deps.js";
import { startFileServers } from "./file-servers.js";
import { generatePassword } from "./lib/ids.js";
import { createLogger } from "./logger.js";

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`cisisk: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }

  const db = await connectDatabase(config.server.databaseUrl, {
    onIdleError: (err) => process.stderr.write(`cisisk: an idle database connection failed: ${err.message}\n`),
  });
  let applied: string[];
  try {
    applied = await migrateToLatest(db.kysely);
  } catch (err) {
    // A database that is down or never answers ends the start-up with one clear line, never a hang.
    process.stderr.write(
      `cisisk: cannot use the database ${describeDatabase(config.server.databaseUrl)}: ${(err as Error).message}\n`,
    );
    await Promise.race([db.close().catch(() => undefined), new Promise((r) => setTimeout(r, 1000).unref())]);
    process.exit(1);
  }
  const deps = createDeps(config, db, { log: createLogger(config.server.logLevel) });
  const app = await buildApp(deps);
  if (applied.length > 0) app.log.info({ migrations: applied }, "database migrated");

  const seeded = await deps.users.ensureSuperadmin(
    config.auth.adminUsername,
    config.auth.adminPassword,
    generatePassword,
  );
  if (seeded.created && seeded.generatedPassword) {
    // Printed once, on the terminal only (not through the logger): there is no other way to learn it.
    process.stdout.write(
      `\n  First start: created superadmin "${config.auth.adminUsername}" with password: ${seeded.generatedPassword}\n` +
        "  Change it in the console (Users) or set CISISK_ADMIN_PASSWORD before the first start.\n\n",
    );
  } else if (seeded.created) {
    app.log.info({ username: config.auth.adminUsername }, "superadmin created from CISISK_ADMIN_PASSWORD");
  } else if ("conflict" in seeded) {
    app.log.warn(
      { username: config.auth.adminUsername },
      "no superadmin exists and the admin username is taken by a normal user",
    );
  }

  // No active superadmin (all deactivated or demoted by hand in the database): nobody can log in to fix it.
  if ((await deps.users.countOtherActiveSuperadmins("")) === 0) {
    process.stderr.write(
      "\n  cisisk: no active superadmin can log in. Recover with:\n" +
        "    npm run admin -- reset-password <username>\n" +
        "  (it makes that user an active superadmin with a new password and prints it).\n\n",
    );
  }

  // Deploys left running by a server that stopped (readers and the job loop fail them too, whenever they look).
  const abandoned = await deps.deployments.failAbandoned();
  if (abandoned > 0) app.log.warn({ deploys: abandoned }, "deploys abandoned by a stopped server marked failed");

  // Every server runs both loops; rows are leased, so each piece of work is done by one server at a time.
  const pollMs = config.jobs.poll_seconds * 1000;
  const stopJobs = deps.jobs.start(pollMs);
  const stopAsteriskSync = deps.asteriskSync.start(pollMs);

  let fileServers: Awaited<ReturnType<typeof startFileServers>> | undefined;
  const shutdown = async (signal: string) => {
    app.log.info({ signal }, "shutting down");
    stopJobs();
    await stopAsteriskSync();
    await app.close();
    await fileServers?.close();
    await deps.closeAdapters();
    await db.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void shutdown("SIGINT"));
  process.once("SIGTERM", () => void shutdown("SIGTERM"));

  await app.listen({ port: config.server.port, host: config.server.host });
  // Cisisk as the phones' file server: TFTP and HTTP on Cisco's 6970 next to the main server (port 0 = off).
  const pv = config.provisioning;
  if (pv.store === "self") {
    try {
      fileServers = await startFileServers(deps, { tftp: pv.tftp_port || null, http: pv.cisco_http_port || null });
    } catch (err) {
      // Port 69 needs root or CAP_NET_BIND_SERVICE: say which setting to change, then stop like any start-up failure.
      throw new Error(
        `cannot serve the phones' files (TFTP port ${pv.tftp_port}, HTTP port ${pv.cisco_http_port}): ${(err as Error).message}. ` +
          "Grant CAP_NET_BIND_SERVICE, or set [provisioning] tftp_port / cisco_http_port (0 = off)",
      );
    }
    app.log.info({ tftp: fileServers.tftpPort, http: fileServers.httpPort }, "serving the phones' files");
  }
  app.log.info(
    `console: http://localhost:${config.server.port}/  API: http://localhost:${config.server.port}/api/v1  docs: /api/docs`,
  );
}

/** The database URL without its password, for messages. */
function describeDatabase(url: string): string {
  if (url.startsWith("sqlite:")) return url;
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname}`;
}

void main().catch((err) => {
  process.stderr.write(`cisisk: failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
