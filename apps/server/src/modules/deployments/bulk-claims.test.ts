import { describe, expect, it } from "vitest";
import { createBulkClaims } from "./bulk-claims.js";

/** A claim that records its chunks and grants every row but those in `taken` (another server has them). */
function recorder(taken: Set<number> = new Set()) {
  const chunks: number[][] = [];
  let n = 0;
  return {
    chunks,
    claim: async (chunk: number[]) => {
      chunks.push(chunk);
      const startedAt = `claim-${++n}`;
      await new Promise((r) => setTimeout(r, 1));
      return chunk.filter((r) => !taken.has(r)).map((row) => ({ row, startedAt }));
    },
  };
}

async function drain(claims: { take(): Promise<{ row: number } | null> }, workers: number): Promise<number[]> {
  const got: number[] = [];
  await Promise.all(
    Array.from({ length: workers }, async () => {
      for (let c = await claims.take(); c; c = await claims.take()) got.push(c.row);
    }),
  );
  return got;
}

const rows = Array.from({ length: 20 }, (_, i) => i);

describe("bulk claims", () => {
  it("claims the rows ahead in chunks and hands each claimed row to one worker", async () => {
    const r = recorder(new Set([3, 11]));
    const claims = createBulkClaims(rows, r.claim, { chunk: 8, lowWater: 4, lost: () => false });
    const got = await drain(claims, 4);
    expect(got.sort((a, b) => a - b)).toEqual(rows.filter((x) => x !== 3 && x !== 11));
    expect(r.chunks.map((c) => c.length)).toEqual([8, 8, 4]);
  });

  it("claims nothing more once the batch is lost, but hands out what it had claimed", async () => {
    const r = recorder();
    let lost = false;
    const claims = createBulkClaims(rows, r.claim, { chunk: 6, lowWater: 2, lost: () => lost });
    const first = await claims.take();
    lost = true;
    const rest = await drain(claims, 2);
    expect([first!.row, ...rest].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(r.chunks).toHaveLength(1);
  });

  it("passes a failed claim to the workers that ask next", async () => {
    const claims = createBulkClaims(
      rows,
      async () => {
        throw new Error("database down");
      },
      { chunk: 4, lowWater: 1, lost: () => false },
    );
    await expect(claims.take()).rejects.toThrow("database down");
    await expect(claims.take()).rejects.toThrow("database down");
  });
});
