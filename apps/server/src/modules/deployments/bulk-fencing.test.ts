import type { DeployStep } from "@cisisk/contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../db/connect.js";
import { newId } from "../../lib/ids.js";
import { createTestDatabase } from "../../test/test-database.js";
import { createDeploymentsRepository } from "./deployments.repository.js";

// The writes that keep two servers from deploying one bulk phone twice, on the real database: rows are
// claimed in chunks, enter their restart together, and each write holds only for the rows still carrying
// this server's claim (its start time).
let db: Db;
let repo: ReturnType<typeof createDeploymentsRepository>;

beforeAll(async () => {
  db = await createTestDatabase();
  repo = createDeploymentsRepository(db.kysely);
});
afterAll(async () => db?.close());

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, s)).toISOString();
const step = (name: DeployStep["name"], detail: string | null = null): DeployStep => ({
  name,
  status: "succeeded",
  detail,
  startedAt: at(0),
  finishedAt: at(0),
});

async function batchOf(n: number): Promise<string[]> {
  const batchId = newId();
  await repo.insertBatch({ id: batchId, profileId: newId(), profileName: "p", total: n, createdAt: at(0) });
  const ids = Array.from({ length: n }, () => newId());
  await repo.insertMany(
    ids.map((id, i) => ({
      id,
      kind: "deploy" as const,
      batchId,
      profileId: null,
      profileName: "p",
      phoneId: newId(),
      phoneMac: `0C11678899${String(i).padStart(2, "0")}`,
      previousProfileId: null,
      status: "pending" as const,
      startedAt: at(0),
    })),
  );
  return ids;
}

const rows = (ids: string[]) =>
  db.kysely
    .selectFrom("deployments")
    .select(["id", "status", "current_step", "started_at", "steps"])
    .where("id", "in", ids)
    .execute()
    .then((r) => new Map(r.map((x) => [x.id, x])));

describe("bulk claims and restart entries", () => {
  it("claims a chunk in one write, but only the rows still pending", async () => {
    const ids = await batchOf(5);
    // Another server claimed two of them first.
    expect(await repo.claimMany([{ id: ids[1]! }, { id: ids[3]! }], at(1), "backup")).toEqual(
      new Set([ids[1], ids[3]]),
    );
    const mine = await repo.claimMany(
      ids.map((id) => ({ id })),
      at(2),
      "backup",
    );
    expect(mine).toEqual(new Set([ids[0], ids[2], ids[4]]));
    const now = await rows(ids);
    expect(now.get(ids[1]!)).toMatchObject({ status: "running", current_step: "backup", started_at: at(1) });
    expect(now.get(ids[0]!)).toMatchObject({ status: "running", current_step: "backup", started_at: at(2) });
  });

  it("takes rows a stopped server left before their restart again, not those in or past it", async () => {
    const ids = await batchOf(3);
    expect(
      (
        await repo.claimMany(
          ids.map((id) => ({ id })),
          at(1),
          "backup",
        )
      ).size,
    ).toBe(3);
    expect(await repo.enterStepMany("restart", [{ id: ids[2]!, startedAt: at(1), done: [step("backup")] }])).toEqual(
      new Set([ids[2]]),
    );
    const retaken = await repo.claimMany(
      ids.map((id) => ({ id, retry: true })),
      at(5),
      "backup",
    );
    // The row in its restart may have had its NOTIFY: never deployed again.
    expect(retaken).toEqual(new Set([ids[0], ids[1]]));
    expect((await rows(ids)).get(ids[2]!)).toMatchObject({ current_step: "restart", started_at: at(1) });
  });

  it("enters the restart of several rows in one write, only for those still carrying this claim", async () => {
    const ids = await batchOf(4);
    await repo.claimMany(
      ids.map((id) => ({ id })),
      at(1),
      "backup",
    );
    // The server stalled: another took two of its rows again (a new claim), so they are fenced out here.
    await repo.claimMany(
      [
        { id: ids[0]!, retry: true },
        { id: ids[2]!, retry: true },
      ],
      at(9),
      "backup",
    );
    const entered = await repo.enterStepMany(
      "restart",
      ids.map((id, i) => ({ id, startedAt: at(1), done: [step("backup"), step("upload", `row ${i}`)] })),
    );
    expect(entered).toEqual(new Set([ids[1], ids[3]]));
    const now = await rows(ids);
    expect(now.get(ids[0]!)).toMatchObject({ current_step: "backup", started_at: at(9), steps: "[]" });
    expect(now.get(ids[1]!)).toMatchObject({ current_step: "restart", started_at: at(1) });
    // Each row keeps its own steps.
    expect(JSON.parse(now.get(ids[3]!)!.steps)).toEqual([step("backup"), step("upload", "row 3")]);

    // All of them still this claim's: one write, every row entered.
    const fresh = await batchOf(3);
    await repo.claimMany(
      fresh.map((id) => ({ id })),
      at(3),
      "backup",
    );
    expect(
      await repo.enterStepMany(
        "restart",
        fresh.map((id) => ({ id, startedAt: at(3), done: [step("backup")] })),
      ),
    ).toEqual(new Set(fresh));
  });

  it("enters nothing for rows whose batch was failed as abandoned meanwhile", async () => {
    const ids = await batchOf(2);
    await repo.claimMany(
      ids.map((id) => ({ id })),
      at(1),
      "backup",
    );
    await db.kysely.updateTable("deployments").set({ status: "failed" }).where("id", "=", ids[0]!).execute();
    expect(
      await repo.enterStepMany(
        "restart",
        ids.map((id) => ({ id, startedAt: at(1), done: [] })),
      ),
    ).toEqual(new Set([ids[1]]));
  });
});
