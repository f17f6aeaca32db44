import dgram from "node:dgram";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { FileSystem, FtpSrv, type FtpConnection } from "ftp-srv";
import { parseSipMessage, type SipMessage } from "../adapters/sip/build-notify.js";

// Real peers on loopback for the deploy pipeline: an FTP server (ftp-srv) on a temporary root, a SIP
// UAS on UDP+TCP that parses the NOTIFYs it gets, and an HTTP server acting as a phone's /CGI/Execute.

const quietLog = {
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error() {},
  fatal() {},
  child() {
    return quietLog;
  },
};

/** stall-upload: the upload's data connection takes the bytes and never completes (a deploy stuck mid-upload). */
export type FtpFault = "none" | "refuse-upload" | "drop-upload" | "stall-upload";

export interface TestFtpServer {
  port: number;
  root: string;
  credentials: { username: string; password: string };
  fault: FtpFault;
  /** Fast uploads for the benchmark: also count STOR calls. */
  stores: number;
  /** With fault "none": uploads after this many stall like "stall-upload" (a batch stuck mid-way). */
  stallUploadsAfter: number | null;
  /** Files renamed into place, by their final name: how often each was deployed. */
  placed: Map<string, number>;
  close(): Promise<void>;
}

export async function startFtpServer(): Promise<TestFtpServer> {
  const root = mkdtempSync(path.join(tmpdir(), "cisisk-ftp-"));
  const credentials = { username: "deployer", password: "ftp-secret-1" };
  const port = await freeTcpPort();
  // Passive ports from a random window, so parallel test runs on this machine rarely collide.
  const pasvMin = 20000 + Math.floor(Math.random() * 30000);
  const state: TestFtpServer = {
    port,
    root,
    credentials,
    fault: "none",
    stores: 0,
    stallUploadsAfter: null,
    placed: new Map(),
    close: async () => {
      await server.close();
      rmSync(root, { recursive: true, force: true });
    },
  };

  class FaultyFs extends FileSystem {
    constructor(
      connection: FtpConnection,
      private readonly conn = connection,
    ) {
      super(connection, { root, cwd: "/" });
    }
    override write(fileName: string, options?: { append?: boolean; start?: unknown }) {
      state.stores++;
      if (state.fault === "refuse-upload") throw new Error("Permission denied");
      const stalled = state.stallUploadsAfter !== null && state.stores > state.stallUploadsAfter;
      if (state.fault === "stall-upload" || stalled) return new Writable({ write() {}, final() {} });
      if (state.fault === "drop-upload") {
        // The server goes away mid-transfer: half a file is on disk, then the control connection is cut.
        writeFileSync(path.join(root, fileName.startsWith("/") ? fileName : `/tftp/${fileName}`), "<device><half");
        const socket = (this.conn as unknown as { commandSocket: net.Socket }).commandSocket;
        return new Writable({
          write(_chunk, _enc, cb) {
            socket.destroy();
            cb(new Error("connection lost"));
          },
        });
      }
      return super.write(fileName, options);
    }
    override async rename(from: string, to: string) {
      const result: unknown = await super.rename(from, to);
      const name = path.posix.basename(to);
      state.placed.set(name, (state.placed.get(name) ?? 0) + 1);
      return result;
    }
  }

  const server = new FtpSrv({
    url: `ftp://127.0.0.1:${port}`,
    pasv_url: "127.0.0.1",
    pasv_min: pasvMin,
    pasv_max: pasvMin + 2000,
    anonymous: false,
    log: quietLog as never,
  });
  server.on("login", ({ connection, username, password }, resolve, reject) => {
    if (username === credentials.username && password === credentials.password)
      resolve({ fs: new FaultyFs(connection), root, cwd: "/" });
    else reject(new Error("bad credentials"));
  });
  await server.listen();
  return state;
}

function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface ReceivedNotify {
  transport: "udp" | "tcp";
  message: SipMessage;
  raw: string;
}

export interface TestSipPhone {
  port: number;
  received: ReceivedNotify[];
  /** "ok" answers 200 OK, a number answers with that status, "silent" never answers. */
  behaviour: "ok" | "silent" | number;
  close(): Promise<void>;
}

function answer(m: SipMessage, code: number, reason: string): string {
  const h = m.headers;
  return [
    `SIP/2.0 ${code} ${reason}`,
    `Via: ${h.via}`,
    `From: ${h.from}`,
    `To: ${h.to};tag=phone1`,
    `Call-ID: ${h["call-id"]}`,
    `CSeq: ${h.cseq}`,
    "Content-Length: 0",
    "",
    "",
  ].join("\r\n");
}

/**
 * A Cisco-like UAS on UDP and TCP (same port number), answering NOTIFY with 100 Trying then the final answer.
 * `host` "0.0.0.0" answers for every loopback address: phones at 127.0.1.x are told apart by the NOTIFY's URI.
 */
export async function startSipPhone(options: { host?: string } = {}): Promise<TestSipPhone> {
  const host = options.host ?? "127.0.0.1";
  for (let attempt = 0; ; attempt++) {
    const udp = dgram.createSocket("udp4");
    await new Promise<void>((resolve) => udp.bind(0, host, () => resolve()));
    const port = udp.address().port;
    const tcp = net.createServer();
    const ok = await new Promise<boolean>((resolve) => {
      tcp.once("error", () => resolve(false));
      tcp.listen(port, host, () => resolve(true));
    });
    if (!ok) {
      udp.close();
      if (attempt > 10) throw new Error("no port free for both UDP and TCP");
      continue;
    }
    const state: TestSipPhone = {
      port,
      received: [],
      behaviour: "ok",
      close: async () => {
        udp.close();
        for (const s of sockets) s.destroy();
        await new Promise((r) => tcp.close(r));
      },
    };
    const reply = (m: SipMessage): string[] => {
      if (state.behaviour === "silent") return [];
      const code = state.behaviour === "ok" ? 200 : state.behaviour;
      return [answer(m, 100, "Trying"), answer(m, code, code === 200 ? "OK" : "Rejected")];
    };
    const seen = new Set<string>();
    udp.on("message", (buf, rinfo) => {
      const parsed = parseSipMessage(buf.toString());
      if (!parsed || /^SIP\/2\.0/.test(parsed.message.startLine)) return;
      // Asterisk qualifies a registered contact with OPTIONS: answered like a phone, not recorded.
      if (!parsed.message.startLine.startsWith("NOTIFY")) {
        udp.send(answer(parsed.message, 200, "OK"), rinfo.port, rinfo.address);
        return;
      }
      // Retransmissions carry the same Call-ID: record each request once.
      const callId = parsed.message.headers["call-id"] ?? "";
      if (!seen.has(callId)) {
        seen.add(callId);
        state.received.push({ transport: "udp", message: parsed.message, raw: buf.toString() });
      }
      for (const text of reply(parsed.message)) udp.send(text, rinfo.port, rinfo.address);
    });
    const sockets = new Set<net.Socket>();
    tcp.on("connection", (socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      let buffer = "";
      socket.on("data", (chunk) => {
        buffer += chunk.toString();
        for (;;) {
          const parsed = parseSipMessage(buffer);
          if (!parsed) return;
          const raw = buffer.slice(0, parsed.length);
          buffer = buffer.slice(parsed.length);
          state.received.push({ transport: "tcp", message: parsed.message, raw });
          for (const text of reply(parsed.message)) socket.write(text);
        }
      });
      socket.on("error", () => undefined);
    });
    return state;
  }
}

export interface CgiRequest {
  authorization: string | undefined;
  contentType: string | undefined;
  xml: string;
}

export interface TestCgiPhone {
  port: number;
  requests: CgiRequest[];
  /** "authenticate" asks `authenticate` like a phone asks its authenticationURL; "silent" never answers. */
  behaviour: "authenticate" | "silent";
  close(): Promise<void>;
}

/** A phone's web server: POST /CGI/Execute with `XML=`, credentials checked through `authenticate`. */
export async function startCgiPhone(
  authenticate: (user: string, password: string) => Promise<boolean>,
): Promise<TestCgiPhone> {
  const state: TestCgiPhone = {
    port: 0,
    requests: [],
    behaviour: "authenticate",
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", async () => {
      if (req.method !== "POST" || req.url !== "/CGI/Execute") {
        res.writeHead(404).end();
        return;
      }
      const xml = new URLSearchParams(body).get("XML") ?? "";
      state.requests.push({ authorization: req.headers.authorization, contentType: req.headers["content-type"], xml });
      if (state.behaviour === "silent") return;
      const [scheme, token] = (req.headers.authorization ?? "").split(" ");
      const [user, password] = Buffer.from(token ?? "", "base64")
        .toString()
        .split(":");
      const authorized = scheme === "Basic" && (await authenticate(user ?? "", password ?? ""));
      res.writeHead(200, { "content-type": "text/xml" });
      if (!authorized) return res.end('<?xml version="1.0" encoding="utf-8"?><CiscoIPPhoneError Number="4" />');
      if (Buffer.byteLength(xml) > 512 || !xml.startsWith("<CiscoIPPhoneExecute>"))
        return res.end('<CiscoIPPhoneError Number="1" />');
      const items = [...xml.matchAll(/URL="([^"]*)"/g)].map((m) => m[1]);
      res.end(
        `<?xml version="1.0" encoding="utf-8"?><CiscoIPPhoneResponse>${items
          .map((u) => `<ResponseItem Status="0" Data="Success" URL="${u}"/>`)
          .join("")}</CiscoIPPhoneResponse>`,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  state.port = (server.address() as net.AddressInfo).port;
  return state;
}
