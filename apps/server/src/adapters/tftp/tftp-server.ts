import dgram from "node:dgram";
import net from "node:net";

/**
 * A read-only TFTP server: RFC 1350 read requests with the RFC 2347 option extension and its blksize (2348),
 * tsize and timeout (2349) options. Write requests are refused. Written by hand: the one npm package
 * (tftp@0.1.2) has been unmaintained for ten years, has no types and uses the deprecated `new Buffer`; a
 * read-only server is small, and owning it lets every answer go through Cisisk's lookup (database, disk,
 * per-address throttling) and never crash on a malformed packet.
 */

/** What the server asks for each read request (the port the file-store module implements). */
export type TftpLookup = (request: {
  fileName: string;
  clientIp: string;
}) => Promise<
  | { kind: "file"; body: Buffer }
  | { kind: "not_found" }
  | { kind: "bad_name" }
  | { kind: "throttled"; retryAfterSeconds: number }
>;

export interface TftpServerOptions {
  host: string;
  /** 0 = any free port (tests). */
  port: number;
  lookup: TftpLookup;
  /** Retransmission timeout when the client asks for none (ms). */
  timeoutMs?: number;
  /** Retransmissions of one packet before the transfer is given up. */
  retries?: number;
  /** Transfers at once; more read requests are answered "busy". */
  maxTransfers?: number;
  /** Problems that end one transfer (never the server): a failed lookup, a socket error. */
  onError?: (error: unknown) => void;
}

export interface TftpServer {
  readonly port: number;
  /** Transfers in progress. */
  readonly active: number;
  close(): Promise<void>;
}

const RRQ = 1;
const WRQ = 2;
const DATA = 3;
const ACK = 4;
const ERROR = 5;
const OACK = 6;

/** RFC 1350 error codes (8: RFC 2347 option negotiation). */
export const TftpError = {
  undefined: 0,
  fileNotFound: 1,
  accessViolation: 2,
  diskFull: 3,
  illegalOperation: 4,
  unknownTransferId: 5,
} as const;

const MAX_BLKSIZE = 65464;
const MIN_BLKSIZE = 8;
const MAX_BLOCKS = 65535;

function errorPacket(code: number, message: string): Buffer {
  const text = Buffer.from(message, "latin1");
  const b = Buffer.alloc(4 + text.length + 1);
  b.writeUInt16BE(ERROR, 0);
  b.writeUInt16BE(code, 2);
  text.copy(b, 4);
  return b;
}

interface ReadRequest {
  fileName: string;
  mode: string;
  options: Map<string, string>;
}

/** filename \0 mode \0 [option \0 value \0]*; null when malformed. */
function parseRequest(packet: Buffer): ReadRequest | null {
  if (packet.length < 4 || packet[packet.length - 1] !== 0) return null;
  const fields = packet
    .subarray(2, packet.length - 1)
    .toString("latin1")
    .split("\0");
  if (fields.length < 2 || fields.length % 2 !== 0 || !fields[0]) return null;
  const options = new Map<string, string>();
  for (let i = 2; i < fields.length; i += 2) options.set(fields[i]!.toLowerCase(), fields[i + 1]!);
  return { fileName: fields[0], mode: fields[1]!.toLowerCase(), options };
}

/** netascii: LF → CR LF, CR → CR NUL (RFC 764), what a netascii client turns back into the local form. */
function toNetascii(body: Buffer): Buffer {
  let extra = 0;
  for (const c of body) if (c === 0x0a || c === 0x0d) extra++;
  if (extra === 0) return body;
  const out = Buffer.alloc(body.length + extra);
  let j = 0;
  for (const c of body) {
    if (c === 0x0a) {
      out[j++] = 0x0d;
      out[j++] = 0x0a;
    } else if (c === 0x0d) {
      out[j++] = 0x0d;
      out[j++] = 0x00;
    } else out[j++] = c;
  }
  return out;
}

const intOption = (v: string | undefined) => (v !== undefined && /^\d{1,6}$/.test(v) ? Number(v) : null);

export async function startTftpServer(options: TftpServerOptions): Promise<TftpServer> {
  const type = net.isIPv6(options.host) ? "udp6" : "udp4";
  const retries = options.retries ?? 5;
  const defaultTimeout = options.timeoutMs ?? 1000;
  const maxTransfers = options.maxTransfers ?? 512;
  const onError = options.onError ?? (() => undefined);
  const transfers = new Map<string, { end(): void }>();
  const main = dgram.createSocket({ type, reuseAddr: false });
  main.on("error", onError);

  const reply = (socket: dgram.Socket, packet: Buffer, to: dgram.RemoteInfo) =>
    socket.send(packet, to.port, to.address, (err) => {
      if (err) onError(err);
    });

  function transfer(req: ReadRequest, client: dgram.RemoteInfo, key: string): void {
    const socket = dgram.createSocket(type);
    let timer: NodeJS.Timeout | undefined;
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      transfers.delete(key);
      socket.close();
    };
    transfers.set(key, { end });
    socket.on("error", (err) => {
      onError(err);
      end();
    });
    const fail = (code: number, message: string) => {
      if (ended) return;
      socket.send(errorPacket(code, message), client.port, client.address, () => end());
    };

    let blksize = 512;
    let timeoutMs = defaultTimeout;
    let body: Buffer = Buffer.alloc(0);
    let block = 0; // the block the client must acknowledge next (0: the OACK)
    let lastBlock = 0;
    let lastPacket: Buffer | null = null;
    let tries = 0;

    const send = (packet: Buffer) => {
      lastPacket = packet;
      tries = 0;
      socket.send(packet, client.port, client.address);
      arm();
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (ended || !lastPacket) return;
        if (++tries > retries) return fail(TftpError.undefined, "transfer timed out");
        socket.send(lastPacket, client.port, client.address);
        arm();
      }, timeoutMs);
    };
    const dataPacket = (n: number) => {
      const start = (n - 1) * blksize;
      const chunk = body.subarray(start, Math.min(start + blksize, body.length));
      const p = Buffer.alloc(4 + chunk.length);
      p.writeUInt16BE(DATA, 0);
      p.writeUInt16BE(n & 0xffff, 2);
      chunk.copy(p, 4);
      return p;
    };

    socket.on("message", (msg, from) => {
      try {
        if (ended) return;
        if (from.address !== client.address || from.port !== client.port) {
          reply(socket, errorPacket(TftpError.unknownTransferId, "unknown transfer ID"), from);
          return;
        }
        if (msg.length < 4) return fail(TftpError.illegalOperation, "malformed packet");
        const op = msg.readUInt16BE(0);
        if (op === ERROR) return end();
        if (op !== ACK) return fail(TftpError.illegalOperation, "expected an ACK");
        // A duplicate ACK of an earlier block is ignored: answering it would double every later packet.
        if (msg.readUInt16BE(2) !== (block & 0xffff)) return;
        if (block === lastBlock && block > 0) return end();
        block++;
        send(dataPacket(block));
      } catch (error) {
        onError(error);
        end();
      }
    });

    socket.bind(0, options.host, () => {
      void (async () => {
        let answer;
        try {
          answer = await options.lookup({ fileName: req.fileName.replace(/^\/+/, ""), clientIp: client.address });
        } catch (error) {
          onError(error);
          return fail(TftpError.undefined, "internal error");
        }
        // The server closed meanwhile.
        if (ended) return;
        if (answer.kind === "throttled")
          return fail(
            TftpError.undefined,
            `too many requests for missing files; retry after ${answer.retryAfterSeconds} s`,
          );
        if (answer.kind !== "file") return fail(TftpError.fileNotFound, "file not found");
        body = req.mode === "netascii" ? toNetascii(answer.body) : answer.body;

        const oack: string[] = [];
        const askedBlksize = intOption(req.options.get("blksize"));
        if (askedBlksize !== null && askedBlksize >= MIN_BLKSIZE) {
          blksize = Math.min(askedBlksize, MAX_BLKSIZE);
          oack.push("blksize", String(blksize));
        }
        const askedTimeout = intOption(req.options.get("timeout"));
        if (askedTimeout !== null && askedTimeout >= 1 && askedTimeout <= 255) {
          timeoutMs = askedTimeout * 1000;
          oack.push("timeout", String(askedTimeout));
        }
        if (req.options.has("tsize")) oack.push("tsize", String(body.length));

        lastBlock = Math.floor(body.length / blksize) + 1;
        if (lastBlock > MAX_BLOCKS) {
          const needed = Math.ceil((body.length + 1) / MAX_BLOCKS);
          return fail(
            TftpError.diskFull,
            `file too large for ${blksize}-byte blocks (${body.length} bytes); ask for blksize ${Math.min(needed, MAX_BLKSIZE)} or more`,
          );
        }
        if (oack.length === 0) {
          block = 1;
          return send(dataPacket(1));
        }
        const p = Buffer.from(`\0\0${oack.join("\0")}\0`, "latin1");
        p.writeUInt16BE(OACK, 0);
        send(p);
      })();
    });
  }

  main.on("message", (msg, rinfo) => {
    try {
      if (msg.length < 2) return;
      const op = msg.readUInt16BE(0);
      if (op === WRQ) return reply(main, errorPacket(TftpError.accessViolation, "write requests are refused"), rinfo);
      if (op !== RRQ) {
        // A stray ACK/DATA/ERROR on the listening port belongs to no transfer; an unknown opcode is illegal.
        if (op < DATA || op > OACK)
          reply(main, errorPacket(TftpError.illegalOperation, "illegal TFTP operation"), rinfo);
        return;
      }
      const req = parseRequest(msg);
      if (!req) return reply(main, errorPacket(TftpError.illegalOperation, "malformed read request"), rinfo);
      if (req.mode !== "octet" && req.mode !== "netascii")
        return reply(main, errorPacket(TftpError.illegalOperation, `unsupported mode ${req.mode.slice(0, 20)}`), rinfo);
      const key = `${rinfo.address}:${rinfo.port}`;
      // The client repeated its request before our first packet arrived: that transfer answers it.
      if (transfers.has(key)) return;
      if (transfers.size >= maxTransfers) return reply(main, errorPacket(TftpError.undefined, "server busy"), rinfo);
      transfer(req, rinfo, key);
    } catch (error) {
      onError(error);
    }
  });

  await new Promise<void>((resolve, reject) => {
    main.once("error", reject);
    main.bind(options.port, options.host, () => {
      main.off("error", reject);
      resolve();
    });
  });
  return {
    port: main.address().port,
    get active() {
      return transfers.size;
    },
    async close() {
      for (const t of [...transfers.values()]) t.end();
      await new Promise<void>((resolve) => main.close(() => resolve()));
    },
  };
}
