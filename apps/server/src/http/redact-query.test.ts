import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { buildApp } from "../app.js";
import { createTestDatabase } from "../test/test-database.js";
import { loadConfig } from "../config.js";
import { createDeps } from "../deps.js";
import { createLogger } from "../logger.js";
import { redactQuery } from "./redact-query.js";

describe("log redaction of phone-page secrets", () => {
  it("redacts pin and password query values, whatever their case or escaping", () => {
    expect(redactQuery("/cisco/login/submit?mac=AA&user=jane&pin=2468&next=personal")).toBe(
      "/cisco/login/submit?mac=AA&user=jane&pin=[REDACTED]&next=personal",
    );
    expect(redactQuery("/x?PIN=1&%70assword=secret&p=1")).toBe("/x?PIN=[REDACTED]&%70assword=[REDACTED]&p=1");
    expect(redactQuery("/x?pin")).toBe("/x?pin");
    expect(redactQuery("/x")).toBe("/x");
  });

  it("never writes a PIN typed on a phone to the request log", async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const db = await createTestDatabase();
    const config = loadConfig(
      {
        JWT_SECRET: "test-secret-test-secret-test-secret-0123456789",
        CISISK_SECRET_KEY: "test-key-test-key-test-key-test-key-0123456789",
      },
      { allowMissingConfigFile: true },
    );
    const app = await buildApp(createDeps(config, db, { log: createLogger("info", stream) }));
    try {
      const res = await app.inject({ method: "GET", url: "/cisco/login/submit?mac=AABBCCDDEEFF&user=jane&pin=97531" });
      expect(res.statusCode).toBe(200);
      const log = lines.join("");
      expect(log).toContain("/cisco/login/submit?mac=AABBCCDDEEFF&user=jane&pin=[REDACTED]");
      expect(log).not.toContain("97531");
    } finally {
      await app.close();
      await db.close();
    }
  });
});
