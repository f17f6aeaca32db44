import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSipPhone, type TestSipPhone } from "../../test/phone-peers.js";
import { buildNotify, parseContactUri, parseSipMessage, statusOf } from "./build-notify.js";
import { createSipNotifier } from "./sip-notify.js";

describe("buildNotify", () => {
  const base = {
    host: "192.0.2.7",
    port: 5060,
    user: "1001",
    transport: "udp" as const,
    localHost: "192.0.2.1",
    localPort: 5062,
    callId: "abc@cisisk",
    branch: "z9hG4bKx1",
    fromTag: "t1",
    cseq: 1,
  };

  it("writes a check-sync NOTIFY byte for byte", () => {
    expect(buildNotify({ ...base, event: "check-sync" })).toBe(
      [
        "NOTIFY sip:1001@192.0.2.7:5060 SIP/2.0",
        "Via: SIP/2.0/UDP 192.0.2.1:5062;branch=z9hG4bKx1;rport",
        "Max-Forwards: 70",
        "From: <sip:cisisk@192.0.2.1:5062>;tag=t1",
        "To: <sip:1001@192.0.2.7:5060>",
        "Call-ID: abc@cisisk",
        "CSeq: 1 NOTIFY",
        "Contact: <sip:cisisk@192.0.2.1:5062>",
        "Event: check-sync",
        "Subscription-State: terminated",
        "User-Agent: Cisisk",
        "Content-Length: 0",
        "",
        "",
      ].join("\r\n"),
    );
  });

  it("writes Cisco's service-control restart: From without a user part, text/plain body, exact Content-Length", () => {
    const text = buildNotify({ ...base, transport: "tcp", event: "service-control", action: "reset" });
    const parsed = parseSipMessage(text)!;
    expect(parsed.length).toBe(Buffer.byteLength(text));
    expect(parsed.message.startLine).toBe("NOTIFY sip:1001@192.0.2.7:5060;transport=tcp SIP/2.0");
    expect(parsed.message.headers.from).toBe("<sip:192.0.2.1:5062>;tag=t1");
    expect(parsed.message.headers["subscription-state"]).toBe("active");
    expect(parsed.message.headers["content-type"]).toBe("text/plain");
    expect(parsed.message.body.split("\r\n")).toEqual([
      "action=reset",
      "RegisterCallId={}",
      "ConfigVersionStamp={00000000-0000-0000-0000-000000000000}",
      "DialplanVersionStamp={00000000-0000-0000-0000-000000000000}",
      "SoftkeyVersionStamp={00000000-0000-0000-0000-000000000000}",
      "",
    ]);
    expect(Number(parsed.message.headers["content-length"])).toBe(Buffer.byteLength(parsed.message.body));
  });

  it("parses compact headers and status lines", () => {
    const m = parseSipMessage("SIP/2.0 486 Busy Here\r\ni: x@y\r\nl: 0\r\n\r\n")!.message;
    expect(m.headers["call-id"]).toBe("x@y");
    expect(statusOf(m)).toEqual({ code: 486, reason: "Busy Here" });
    expect(parseSipMessage("SIP/2.0 200 OK\r\nContent-Length: 5\r\n\r\nab")).toBeNull();
  });
});

describe("parseContactUri", () => {
  it("takes user, host, port and transport from a registered contact as Asterisk reports it", () => {
    expect(parseContactUri("sip:7001@127.0.0.1:25999;transport=UDP")).toEqual({
      user: "7001",
      host: "127.0.0.1",
      port: 25999,
      transport: "udp",
    });
    expect(parseContactUri("<sip:1001@[2001:db8::5]:5062;transport=tcp;x-cisco=1>")).toEqual({
      user: "1001",
      host: "2001:db8::5",
      port: 5062,
      transport: "tcp",
    });
    expect(parseContactUri("sip:10.0.0.5")).toEqual({ user: "", host: "10.0.0.5", port: 5060, transport: "udp" });
  });

  it("refuses what Cisisk cannot send a NOTIFY over (TLS, WebSocket, not SIP)", () => {
    expect(parseContactUri("sips:1001@10.0.0.5:5061")).toBeNull();
    expect(parseContactUri("sip:1001@10.0.0.5:5061;transport=tls")).toBeNull();
    expect(parseContactUri("sip:1001@10.0.0.5;transport=ws")).toBeNull();
    expect(parseContactUri("tel:+3512100000")).toBeNull();
  });
});

describe("SIP notifier on loopback", () => {
  let phone: TestSipPhone;
  const notifier = createSipNotifier({ timeoutMs: 800 });
  beforeAll(async () => {
    phone = await startSipPhone();
  });
  afterAll(async () => {
    notifier.close();
    await phone.close();
  });

  it("sends over TCP and waits past 100 Trying for the final answer", async () => {
    const r = await notifier.notify({
      host: "127.0.0.1",
      port: phone.port,
      user: "SEP001122334455",
      transport: "tcp",
      event: "service-control",
      action: "restart",
    });
    expect(r).toEqual({ ok: true, detail: "200 OK" });
    const got = phone.received.at(-1)!;
    expect(got.transport).toBe("tcp");
    expect(got.message.headers.via).toMatch(/^SIP\/2\.0\/TCP 127\.0\.0\.1:\d+;branch=z9hG4bK/);
    expect(got.message.body).toMatch(/^action=restart\r\n/);
  });

  it("shares one UDP socket across concurrent NOTIFYs and matches answers by Call-ID", async () => {
    const results = await Promise.all(
      [1, 2, 3].map((i) =>
        notifier.notify({ host: "127.0.0.1", port: phone.port, user: `10${i}`, transport: "udp", event: "check-sync" }),
      ),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    const vias = phone.received.filter((r) => r.transport === "udp").map((r) => r.message.headers.via!.split(";")[0]);
    expect(new Set(vias).size).toBe(1);
  });

  it("reports a timeout when the phone stays silent, and TCP connection refusal", async () => {
    phone.behaviour = "silent";
    const r = await notifier.notify({
      host: "127.0.0.1",
      port: phone.port,
      user: "1",
      transport: "udp",
      event: "check-sync",
    });
    expect(r.ok).toBe(false);
    expect(r.detail).toMatch(/within 800 ms/);
    // Retransmitted on timer A (500 ms) with the same Call-ID: recorded once by the phone.
    phone.behaviour = "ok";
    const closed = await notifier.notify({
      host: "127.0.0.1",
      port: 1,
      user: "1",
      transport: "tcp",
      event: "check-sync",
    });
    expect(closed.ok).toBe(false);
    expect(closed.detail).toMatch(/ECONNREFUSED/);
  });
});
