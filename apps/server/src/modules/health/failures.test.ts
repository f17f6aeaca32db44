import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../logger.js";
import { buildTestApp, type TestApp } from "../../test/build-test-app.js";
import { createFailureReporter } from "./failures.js";
import { createHealthRepository } from "./health.repository.js";

describe("background failures", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it("are logged with their context and listed under the dashboard's recent failures, newest first", async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    let now = Date.parse("2026-01-02T03:04:05.000Z");
    // Another server's reporter on the same database: the dashboard of this one must show its failures.
    const report = createFailureReporter({
      repo: createHealthRepository(t.db.kysely),
      log: createLogger("info", stream).child({ module: "test" }),
      clock: () => new Date((now += 1000)),
    });
    await report({ source: "bulk_deploy", subject: "batch b-1", error: new Error("FTP 530 login incorrect") });
    await report({ source: "asterisk_sync", subject: "outbox loop", error: new Error("database is locked") });

    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged).toHaveLength(2);
    expect(logged[0]).toMatchObject({ level: 50, module: "test", source: "bulk_deploy", subject: "batch b-1" });
    expect((logged[0]!.err as { message: string }).message).toBe("FTP 530 login incorrect");

    const res = await t.app.inject({ method: "GET", url: "/api/v1/dashboard", headers: await t.adminHeaders() });
    expect(res.statusCode).toBe(200);
    const failures = res.json().recentFailures as {
      source: string;
      extensionNumber: string | null;
      lastError: string;
    }[];
    expect(failures.map((f) => [f.source, f.extensionNumber, f.lastError])).toEqual([
      ["asterisk_sync", null, "outbox loop: database is locked"],
      ["bulk_deploy", null, "batch b-1: FTP 530 login incorrect"],
    ]);
  });

  it("the reporter never throws, even when the database refuses the row", async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const repo = createHealthRepository(t.db.kysely);
    const report = createFailureReporter({
      repo: { ...repo, saveFailure: () => Promise.reject(new Error("disk full")) },
      log: createLogger("info", stream),
      clock: () => new Date(),
    });
    await expect(report({ source: "bulk_deploy", subject: "batch b-2", error: "boom" })).resolves.toBeUndefined();
    expect(lines.join("")).toContain("could not be stored");
  });
});
