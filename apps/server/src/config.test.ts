import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.js";

const tmp = () => mkdtempSync(path.join(tmpdir(), "cisisk-config-"));

describe("loadConfig", () => {
  it("starts with no configuration at all: SQLite under ./data, port 3000, generated secrets kept 0600", () => {
    const cwd = tmp();
    const c = loadConfig({}, { cwd });
    expect(c.server.port).toBe(3000);
    expect(c.server.databaseUrl).toBe("sqlite:./data/cisisk.db");
    expect(c.auth.adminUsername).toBe("admin");
    expect(c.auth.jwtSecret.length).toBeGreaterThanOrEqual(32);
    const file = path.join(cwd, "data", "jwt-secret");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // The same secret on the next start, so sessions survive restarts.
    expect(loadConfig({}, { cwd }).auth.jwtSecret).toBe(c.auth.jwtSecret);
    expect(Object.isFrozen(c.server)).toBe(true);
  });

  it("reads cisisk.toml and lets env override it", () => {
    const cwd = tmp();
    writeFileSync(
      path.join(cwd, "cisisk.toml"),
      [
        "[server]",
        "port = 4000",
        'database_url = "postgres://pbx@db/cisisk"',
        "[sip]",
        'domain = "pbx.example.com"',
        "[ftp]",
        'host = "tftp.example.com"',
      ].join("\n"),
    );
    const c = loadConfig({ PORT: "5000", JWT_SECRET: "x".repeat(40) }, { cwd });
    expect(c.server.port).toBe(5000);
    expect(c.server.databaseUrl).toBe("postgres://pbx@db/cisisk");
    expect(c.sip.realm).toBe("pbx.example.com");
    expect(c.ftp.host).toBe("tftp.example.com");
    expect(c.ftp.backup_directory).toBe("/cisisk-backups");
  });

  it("reports every problem at once", () => {
    const cwd = tmp();
    writeFileSync(
      path.join(cwd, "cisisk.toml"),
      [
        "[server]",
        'trusted_proxies = ["10.0.0.0/8", "300.1.2.3", "::1/129"]',
        "[asterisk]",
        'mode = "magic"',
        "[ftp]",
        "port = 99999",
        "[jobs]",
        "lease_seconds = 0",
        "[bogus]",
        "x = 1",
      ].join("\n"),
    );
    let error: unknown;
    try {
      loadConfig({ PORT: "http", DATABASE_URL: "oracle://x", JWT_SECRET: "short" }, { cwd });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join("\n");
    for (const needle of [
      "PORT",
      "DATABASE_URL",
      "JWT_SECRET",
      "server.trusted_proxies.1",
      "server.trusted_proxies.2",
      "asterisk.mode",
      "ftp.port",
      "jobs.lease_seconds",
      "bogus",
    ])
      expect(problems).toContain(needle);
    expect(problems).not.toContain("trusted_proxies.0");
  });

  it("reports a TOML syntax error with the file name", () => {
    const cwd = tmp();
    writeFileSync(path.join(cwd, "cisisk.toml"), "[server\nport = ");
    expect(() => loadConfig({}, { cwd })).toThrow(/cisisk\.toml/);
  });

  it("complains when CISISK_CONFIG names a missing file", () => {
    expect(() => loadConfig({ CISISK_CONFIG: "/nonexistent/cisisk.toml" }, { cwd: tmp() })).toThrow(/does not exist/);
  });

  it("documents every key in .env.example", () => {
    const example = readFileSync(path.resolve(import.meta.dirname, "../../../.env.example"), "utf8");
    for (const key of [
      "PORT",
      "HOST",
      "DATABASE_URL",
      "CISISK_CONFIG",
      "CISISK_ADMIN_USERNAME",
      "CISISK_ADMIN_PASSWORD",
      "JWT_SECRET",
      "CISISK_SECRET_KEY",
      "VITE_API_URL",
      "LOG_LEVEL",
      "CISISK_DATA_DIR",
    ]) {
      expect(example).toContain(key);
    }
  });
});
