import { randomUUID } from "node:crypto";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { expect } from "vitest";
import { expectError } from "./build-test-app.js";

/**
 * Keyset paging checked through HTTP, for the list tests of every module: walk a list by `nextCursor`
 * (checking each answer's page, total and size), read it as one big page (the engine's own order of the
 * list), and send it cursors that must be refused.
 */

export type ListRow = Record<string, unknown>;

/** A row's key: its id, or its name where the name is the key (uploaded files). */
const keyOf = (r: ListRow) => String(r.id ?? r.name);

export interface ListWalk {
  keys: string[];
  rows: ListRow[];
  pages: number;
}

export function createListWalker(app: FastifyInstance, headers: Record<string, string>, prefix = "/api/v1") {
  const get = (url: string): Promise<LightMyRequestResponse> =>
    app.inject({ method: "GET", url: `${prefix}${url}`, headers });
  const withQuery = (path: string, query: string) => `${path}${path.includes("?") ? "&" : "?"}${query}`;

  /** Every row in one page of 500: the order the list has without any cursor. */
  async function everyRow(path: string, query: string): Promise<string[]> {
    const res = await get(withQuery(path, `${query}&pageSize=500`));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().nextCursor).toBeNull();
    return (res.json().data as ListRow[]).map(keyOf);
  }

  /** Follows `nextCursor` to the end; `between` runs after each page, before the next is asked for. */
  async function walk(
    path: string,
    query: string,
    pageSize: number,
    between?: (pagesRead: number) => Promise<void>,
  ): Promise<ListWalk> {
    const rows: ListRow[] = [];
    let cursor: string | null = null;
    let pages = 0;
    let total = 0;
    do {
      const url = withQuery(
        path,
        `${query}&pageSize=${pageSize}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      );
      const res = await get(url);
      expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
      const body = res.json() as { data: ListRow[]; nextCursor: string | null; page: number; total: number };
      pages++;
      // Cursor pages carry the total counted when the walk began.
      if (pages === 1) total = body.total;
      else expect(body.total).toBe(total);
      expect(body.page).toBe(pages);
      expect(body.data.length).toBeLessThanOrEqual(pageSize);
      rows.push(...body.data);
      cursor = body.nextCursor;
      if (cursor) expect(body.data.length).toBe(pageSize);
      expect(pages).toBeLessThan(200);
      if (cursor && between) await between(pages);
    } while (cursor);
    return { keys: rows.map(keyOf), rows, pages };
  }

  /** Walked by 1 and by 3, the list is the one big page: each row once, in the same order. */
  async function expectWalksMatchOnePage(path: string, query: string, minRows: number): Promise<string[]> {
    const all = await everyRow(path, query);
    expect(all.length).toBeGreaterThanOrEqual(minRows);
    expect(new Set(all).size).toBe(all.length);
    for (const pageSize of [1, 3]) {
      const { keys, pages } = await walk(path, query, pageSize);
      expect(keys, `${path} ${query} pageSize ${pageSize}`).toEqual(all);
      expect(pages).toBe(Math.max(1, Math.ceil(all.length / pageSize)));
    }
    return all;
  }

  /**
   * Walks by `pageSize` while `insert` adds rows between pages: no row twice, every row that was there seen
   * in its place, and the whole walk (inserted rows it met included) in the order the list has afterwards.
   * `added`: how many of the rows inserted meanwhile the walk met.
   */
  async function expectWalkSurvivesInserts(
    path: string,
    query: string,
    pageSize: number,
    insert: (pagesRead: number) => Promise<void>,
  ): Promise<ListWalk & { added: number }> {
    const before = await everyRow(path, query);
    const walked = await walk(path, query, pageSize, insert);
    expect(new Set(walked.keys).size).toBe(walked.keys.length);
    expect(walked.keys.filter((k) => before.includes(k))).toEqual(before);
    const after = await everyRow(path, query);
    expect(after.filter((k) => walked.keys.includes(k))).toEqual(walked.keys);
    return { ...walked, added: walked.keys.length - before.length };
  }

  /** Malformed, forged and out-of-range cursors of `sort` (with `keyCount` key values) answer 400. */
  async function expectBadCursorsRefused(path: string, sort: string, keyCount: number): Promise<void> {
    const enc = (v: unknown[]) => Buffer.from(JSON.stringify(v)).toString("base64url");
    const keys = Array.from({ length: keyCount }, () => "00");
    for (const cursor of [
      "!!!",
      "bm90IGpzb24",
      enc([sort, 2, { a: 1 }, "x"]),
      Buffer.from(JSON.stringify({ sort })).toString("base64url"),
      enc([sort, 2, 10, ...keys, "'; drop table phones; --"]),
      enc([sort, 0, 10, ...keys, randomUUID()]),
      enc([sort, 2, -1, ...keys, randomUUID()]),
      enc([sort, 2, 10, ...keys.slice(1), { $gt: "" }, randomUUID()]),
      enc([sort, 2, 10, ...keys, { $gt: "" }]),
      "a".repeat(3000),
    ]) {
      expectError(
        await get(withQuery(path, `sort=${encodeURIComponent(sort)}&cursor=${encodeURIComponent(cursor)}`)),
        400,
        "validation_failed",
      );
    }
  }

  return { get, everyRow, walk, expectWalksMatchOnePage, expectWalkSurvivesInserts, expectBadCursorsRefused };
}
export type ListWalker = ReturnType<typeof createListWalker>;
