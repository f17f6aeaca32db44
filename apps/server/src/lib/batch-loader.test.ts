import { describe, expect, it } from "vitest";
import { createBatchLoader } from "./batch-loader.js";

describe("createBatchLoader", () => {
  it("answers the keys asked for in one loop turn with one load, in batches of at most maxBatch", async () => {
    const calls: number[][] = [];
    const load = createBatchLoader(
      async (keys: number[]) => {
        calls.push(keys);
        return new Map(keys.filter((k) => k % 2 === 0).map((k) => [k, `v${k}`]));
      },
      { maxBatch: 4, maxInFlight: 2 },
    );
    const answers = await Promise.all([1, 2, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((k) => load(k)));
    expect(answers).toEqual([
      undefined,
      "v2",
      "v2",
      undefined,
      "v4",
      undefined,
      "v6",
      undefined,
      "v8",
      undefined,
      "v10",
    ]);
    // 10 distinct keys: two batches of 4 at once, the last 2 once one of them finished.
    expect(calls.map((c) => c.length)).toEqual([4, 4, 2]);
    expect(calls.flat().sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // A later turn is a new read: nothing is kept.
    expect(await load(2)).toBe("v2");
    expect(calls).toHaveLength(4);
  });

  it("rejects every waiter of a failed batch and keeps serving the next ones", async () => {
    let fail = true;
    const load = createBatchLoader(
      async (keys: string[]) => {
        if (fail) throw new Error("database down");
        return new Map(keys.map((k) => [k, k.length]));
      },
      { maxBatch: 10, maxInFlight: 1 },
    );
    const failed = await Promise.allSettled([load("a"), load("bb")]);
    expect(failed.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    fail = false;
    expect(await Promise.all([load("a"), load("bb")])).toEqual([1, 2]);
  });

  it("with gather, waits for `size` keys or `ms` after the first, whichever comes first", async () => {
    const calls: number[][] = [];
    const load = createBatchLoader(
      async (keys: number[]) => {
        calls.push(keys);
        return new Map(keys.map((k) => [k, k * 10]));
      },
      { maxBatch: 10, maxInFlight: 1, gather: { ms: 300, size: 3 } },
    );
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    // Three keys asked 5 ms apart go together as soon as the third arrives.
    const started = performance.now();
    const first = [load(1), sleep(5).then(() => load(2)), sleep(10).then(() => load(3))];
    expect(await Promise.all(first)).toEqual([10, 20, 30]);
    expect(performance.now() - started).toBeLessThan(250);
    // A key alone waits the window out, then goes by itself.
    const alone = performance.now();
    expect(await load(4)).toBe(40);
    expect(performance.now() - alone).toBeGreaterThanOrEqual(295);
    expect(calls).toEqual([[1, 2, 3], [4]]);
  });
});
