#!/usr/bin/env node
// `npm test`: builds the console (the browser tests load it), runs every Vitest project on the
// database named by DATABASE_URL (in-memory SQLite when unset) and ends with the plain line
// "N passed, N failed" that CI reads.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: "inherit", env: process.env });

const build = run("npm", ["run", "build", "--silent", "--workspace", "apps/web"]);
if (build.status !== 0) {
  console.log("0 passed, 1 failed");
  process.exit(1);
}

const report = path.join(mkdtempSync(path.join(tmpdir(), "cisisk-test-")), "report.json");
const extra = process.argv.slice(2);
const vitest = run("npx", [
  "vitest",
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${report}`,
  ...extra,
]);

let passed = 0;
let failed = 0;
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, "utf8"));
  passed = r.numPassedTests;
  // A file that fails to load has no failed tests in it but must still fail the run.
  const brokenFiles = r.testResults.filter((f) => f.status === "failed" && f.assertionResults.length === 0).length;
  failed = r.numFailedTests + brokenFiles;
} else {
  failed = 1;
}
const db = process.env.DATABASE_URL?.split(":")[0] ?? "sqlite";
console.log(`\ndatabase: ${db}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(vitest.status === 0 && failed === 0 ? 0 : 1);
