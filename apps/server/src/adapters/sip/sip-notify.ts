import { randomBytes } from "node:crypto";
import dgram from "node:dgram";
import net from "node:net";
import { buildNotify, parseSipMessage, statusOf, type NotifyRequest, type SipTransport } from "./build-notify.js";

export interface NotifyTarget {
  host: string;
  port: number;
  user: string;
  transport: SipTransport;
  /** The Event header: `check-sync`, `check-sync;reboot=true`, `service-control`… */
  event: string;
  action?: "restart" | "reset";
  /** service-control: the Call-ID of the phone's REGISTER, which the firmware checks. */
  registerCallId?: string;
}

export interface NotifyResult {
  ok: boolean;
  /** The phone's final answer ("200 OK"), or why there was none. */
  detail: string;
}

/** Sends a NOTIFY straight to a phone and waits for its final response. */
export interface SipNotifier {
  notify(target: NotifyTarget): Promise<NotifyResult>;
  close(): void;
}

const token = () => randomBytes(8).toString("hex");

/** Our address as seen from `host`: the kernel's route choice, found by connecting a UDP socket (no packet sent). */
async function localAddressFor(host: string): Promise<string> {
  const family = net.isIPv6(host) ? "udp6" : "udp4";
  const s = dgram.createSocket(family);
  try {
    await new Promise<void>((resolve, reject) => {
      s.once("error", reject);
      s.connect(9, host, () => resolve());
    });
    return s.address().address;
  } catch {
    return family === "udp6" ? "::1" : "127.0.0.1";
  } finally {
    s.close();
  }
}

/**
 * One UDP socket for every NOTIFY (answers are matched by Call-ID), retransmitted on RFC 3261 timer A
 * (T1 = 500 ms, doubling) until the final answer or `timeoutMs`. TCP opens a connection per NOTIFY.
 */
export function createSipNotifier(options: { timeoutMs: number }): SipNotifier {
  let udp: dgram.Socket | null = null;
  let udpReady: Promise<dgram.Socket> | null = null;
  const pending = new Map<string, (status: { code: number; reason: string }) => void>();
  const localCache = new Map<string, string>();

  async function localFor(host: string): Promise<string> {
    let a = localCache.get(host);
    if (!a) {
      a = await localAddressFor(host);
      if (localCache.size > 1000) localCache.clear();
      localCache.set(host, a);
    }
    return a;
  }

  function udpSocket(): Promise<dgram.Socket> {
    udpReady ??= new Promise((resolve, reject) => {
      const s = dgram.createSocket({ type: "udp4" });
      s.on("message", (buf) => {
        const parsed = parseSipMessage(buf.toString("utf8"));
        const status = parsed && statusOf(parsed.message);
        const callId = parsed?.message.headers["call-id"];
        if (status && callId) pending.get(callId)?.(status);
      });
      s.once("error", reject);
      s.bind(0, () => {
        s.unref();
        udp = s;
        resolve(s);
      });
    });
    return udpReady;
  }

  function request(target: NotifyTarget, localHost: string, localPort: number): NotifyRequest {
    return {
      ...target,
      localHost,
      localPort,
      callId: `${token()}@cisisk`,
      branch: `z9hG4bK${token()}`,
      fromTag: token(),
      cseq: 1,
    };
  }

  const describe = (s: { code: number; reason: string }): NotifyResult => ({
    ok: s.code >= 200 && s.code < 300,
    detail: `${s.code} ${s.reason}`.trim(),
  });

  async function viaUdp(target: NotifyTarget): Promise<NotifyResult> {
    const socket = await udpSocket();
    const req = request(target, await localFor(target.host), socket.address().port);
    const packet = Buffer.from(buildNotify(req));
    return new Promise<NotifyResult>((resolve) => {
      let interval = 500;
      let retransmit: NodeJS.Timeout;
      const send = () => socket.send(packet, target.port, target.host);
      const finish = (r: NotifyResult) => {
        clearTimeout(timer);
        clearTimeout(retransmit);
        pending.delete(req.callId);
        resolve(r);
      };
      const timer = setTimeout(
        () =>
          finish({ ok: false, detail: `no answer from ${target.host}:${target.port} within ${options.timeoutMs} ms` }),
        options.timeoutMs,
      );
      const again = () => {
        send();
        interval = Math.min(interval * 2, 4000);
        retransmit = setTimeout(again, interval);
      };
      pending.set(req.callId, (status) => {
        if (status.code < 200) return; // provisional: keep waiting, stop retransmitting
        finish(describe(status));
      });
      send();
      retransmit = setTimeout(again, interval);
    });
  }

  function viaTcp(target: NotifyTarget): Promise<NotifyResult> {
    return new Promise<NotifyResult>((resolve) => {
      const socket = net.connect({ host: target.host, port: target.port });
      let buffer = "";
      let done = false;
      const finish = (r: NotifyResult) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        socket.destroy();
        resolve(r);
      };
      const timer = setTimeout(
        () =>
          finish({ ok: false, detail: `no answer from ${target.host}:${target.port} within ${options.timeoutMs} ms` }),
        options.timeoutMs,
      );
      socket.on("connect", () => {
        const req = request(target, socket.localAddress ?? "127.0.0.1", socket.localPort ?? 0);
        socket.write(buildNotify(req));
      });
      socket.on("data", (chunk) => {
        buffer += chunk.toString("utf8");
        for (;;) {
          const parsed = parseSipMessage(buffer);
          if (!parsed) return;
          buffer = buffer.slice(parsed.length);
          const status = statusOf(parsed.message);
          if (status && status.code >= 200) return finish(describe(status));
        }
      });
      socket.on("error", (err) => finish({ ok: false, detail: `TCP ${target.host}:${target.port}: ${err.message}` }));
      socket.on("close", () => finish({ ok: false, detail: `the phone closed the connection without answering` }));
    });
  }

  return {
    notify: (target) => (target.transport === "tcp" ? viaTcp(target) : viaUdp(target)),
    close() {
      udp?.close();
      udp = null;
      udpReady = null;
    },
  };
}
