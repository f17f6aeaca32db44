import { existsSync } from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { CreateUserInput, User } from "@cisisk/contract";
import { ADMIN, buildTestApp, type TestApp } from "../../../server/src/test/build-test-app.js";

export { ADMIN };

export interface RunningServer {
  /** e.g. http://127.0.0.1:41234 — serves the built console at / and the API at /api/v1. */
  baseUrl: string;
  testApp: TestApp;
  /** Creates a user through the API as the seeded superadmin (setup, not under test). */
  createUser(input: CreateUserInput): Promise<User>;
  close(): Promise<void>;
}

const distIndex = path.resolve(import.meta.dirname, "../../dist/index.html");

/** The real server (buildApp on a fresh database, superadmin seeded) listening on a free local port. */
export async function startServer(options: Parameters<typeof buildTestApp>[0] = {}): Promise<RunningServer> {
  if (!existsSync(distIndex)) {
    throw new Error(`${distIndex} is missing: run \`npm run build -w apps/web\` before the browser tests`);
  }
  const testApp = await buildTestApp(options);
  await testApp.app.listen({ port: 0, host: "127.0.0.1" });
  const { port } = testApp.app.server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    testApp,
    async createUser(input) {
      const res = await testApp.app.inject({
        method: "POST",
        url: "/api/v1/users",
        headers: await testApp.adminHeaders(),
        payload: input,
      });
      if (res.statusCode !== 201) throw new Error(`creating ${input.username} failed: ${res.statusCode} ${res.body}`);
      return res.json<User>();
    },
    close: () => testApp.close(),
  };
}
