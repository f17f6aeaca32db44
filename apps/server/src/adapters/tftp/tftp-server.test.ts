import { execFile } from "node:child_process";
import dgram from "node:dgram";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTftpServer, type TftpServer } from "./tftp-server.js";

// The adapter alone, over real UDP: option negotiation packet by packet (a raw client), netascii with tftp-hpa,
// foreign transfer IDs, a client that refuses the OACK, and a client that vanishes mid-transfer.

const run = promisify(execFile);
const files: Record<string, Buffer> = {
  "three.bin": Buffer.alloc(1300, 7),
  "lines.txt": Buffer.from("line one\nline two\r\nend\n"),
};
let server: TftpServer;
let work: string;
const errors: unknown[] = [];

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "cisisk-tftp-adapter-"));
  server = await startTftpServer({
    host: "127.0.0.1",
    port: 0,
    timeoutMs: 200,
    retries: 2,
    lookup: async ({ fileName }) => (files[fileName] ? { kind: "file", body: files[fileName] } : { kind: "not_found" }),
    onError: (e) => errors.push(e),
  });
});
afterAll(async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
});

/** A raw client: every packet it receives, with the port it came from. */
async function rawClient() {
  const s = dgram.createSocket("udp4");
  await new Promise<void>((r) => s.bind(0, "127.0.0.1", () => r()));
  const inbox: { m: Buffer; port: number }[] = [];
  const waiters: (() => void)[] = [];
  s.on("message", (m, from) => {
    inbox.push({ m, port: from.port });
    waiters.splice(0).forEach((w) => w());
  });
  return {
    /** Resolves once the packet left (closing the socket at once would drop it). */
    send: (p: Buffer, port: number) => new Promise<void>((r) => s.send(p, port, "127.0.0.1", () => r())),
    async next(ms = 2000): Promise<{ m: Buffer; port: number }> {
      const deadline = Date.now() + ms;
      while (inbox.length === 0) {
        if (Date.now() > deadline) throw new Error("no packet");
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 50);
        });
      }
      return inbox.shift()!;
    },
    inbox,
    close: () => s.close(),
  };
}
const rrq = (name: string, ...opts: string[]) => {
  const p = Buffer.from(`\0\0${[name, "octet", ...opts].join("\0")}\0`, "latin1");
  p.writeUInt16BE(1, 0);
  return p;
};
const ack = (n: number) => Buffer.from([0, 4, n >> 8, n & 0xff]);
const oackOptions = (m: Buffer) =>
  m
    .subarray(2, m.length - 1)
    .toString("latin1")
    .split("\0");

describe("TFTP adapter", () => {
  it("negotiates blksize, tsize and timeout, ignores unknown options and duplicate ACKs", async () => {
    const c = await rawClient();
    c.send(rrq("three.bin", "blksize", "600", "tsize", "0", "timeout", "3", "windowsize", "4"), server.port);
    const oack = await c.next();
    expect(oack.m.readUInt16BE(0)).toBe(6);
    expect(oackOptions(oack.m)).toEqual(["blksize", "600", "timeout", "3", "tsize", "1300"]);
    c.send(ack(0), oack.port);
    const d1 = await c.next();
    expect([d1.m.readUInt16BE(0), d1.m.readUInt16BE(2), d1.m.length - 4]).toEqual([3, 1, 600]);
    c.send(ack(0), oack.port); // duplicate: must not make the server send block 1 again at once
    c.send(ack(1), oack.port);
    const d2 = await c.next();
    expect([d2.m.readUInt16BE(2), d2.m.length - 4]).toEqual([2, 600]);
    c.send(ack(2), oack.port);
    const d3 = await c.next();
    expect([d3.m.readUInt16BE(2), d3.m.length - 4]).toEqual([3, 100]);
    await c.send(ack(3), oack.port);
    await new Promise((r) => setTimeout(r, 300));
    expect(c.inbox).toEqual([]);
    c.close();
    expect(server.active).toBe(0);
  });

  it("answers a foreign transfer ID with error 5 and goes on with the real client", async () => {
    const c = await rawClient();
    const stranger = await rawClient();
    c.send(rrq("three.bin"), server.port);
    const d1 = await c.next();
    stranger.send(ack(1), d1.port);
    const e = await stranger.next();
    expect([e.m.readUInt16BE(0), e.m.readUInt16BE(2)]).toEqual([5, 5]);
    c.send(ack(1), d1.port);
    expect((await c.next()).m.readUInt16BE(2)).toBe(2);
    await c.send(Buffer.from([0, 5, 0, 0, 0]), d1.port); // the client gives up: the transfer ends
    c.close();
    stranger.close();
    await new Promise((r) => setTimeout(r, 100));
    expect(server.active).toBe(0);
  });

  it("ends the transfer when a client refuses the OACK, and gives up on a client that vanished", async () => {
    const c = await rawClient();
    c.send(rrq("three.bin", "blksize", "1024"), server.port);
    const oack = await c.next();
    await c.send(Buffer.from("\0\x05\0\x08no options\0", "latin1"), oack.port);
    const gone = await rawClient();
    gone.send(rrq("three.bin"), server.port);
    await gone.next();
    gone.close(); // never acknowledges: 2 retransmissions of 200 ms, then the transfer is dropped
    await new Promise((r) => setTimeout(r, 1000));
    expect(server.active).toBe(0);
    c.close();
  });

  it("converts to netascii for tftp-hpa's ascii mode, which turns it back", async () => {
    const out = path.join(work, "lines.txt");
    await run("tftp", ["-m", "ascii", "127.0.0.1", String(server.port), "-c", "get", "lines.txt", out]);
    expect(readFileSync(out).equals(files["lines.txt"]!)).toBe(true);
    expect(errors).toEqual([]);
  });
});
