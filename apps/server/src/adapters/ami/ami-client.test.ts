import { afterEach, describe, expect, it } from "vitest";
import { startAmiPeer, type AmiPeer } from "../../test/ami-peer.js";
import { AmiError, createAmiClient, type AmiClient } from "./ami-client.js";
import { createAsteriskManager } from "./asterisk-manager.js";
import { createAmiParser, encodeAction, field, fieldAll, type AmiMessage } from "./ami-wire.js";
import { createAsteriskPhoneControl } from "./phone-control.js";

let peer: AmiPeer | undefined;
let client: AmiClient | undefined;
afterEach(async () => {
  await client?.close();
  await peer?.stop();
  client = undefined;
  peer = undefined;
});

function connect(p: AmiPeer, overrides: Partial<Parameters<typeof createAmiClient>[0]> = {}) {
  client = createAmiClient({
    host: "127.0.0.1",
    port: p.port,
    username: p.username,
    secret: p.secret,
    timeoutMs: 1000,
    backoff: { initialMs: 20, maxMs: 100 },
    ...overrides,
  });
  return client;
}

describe("AMI wire format", () => {
  it("encodes an action byte by byte, repeating keys, and refuses line breaks in values", () => {
    expect(encodeAction("PJSIPNotify", "a-1", { Endpoint: "1001", Variable: ["Event=check-sync", "X=1"] })).toBe(
      "Action: PJSIPNotify\r\nActionID: a-1\r\nEndpoint: 1001\r\nVariable: Event=check-sync\r\nVariable: X=1\r\n\r\n",
    );
    expect(() => encodeAction("Command", "a-2", { Command: "sip reload\r\nAction: Originate" })).toThrow(/line break/);
  });

  it("parses the banner and messages split across arbitrary chunks, keys case-insensitively", () => {
    const seen: AmiMessage[] = [];
    let banner = "";
    const parser = createAmiParser({ banner: (b) => (banner = b), message: (m) => seen.push(m) });
    const text =
      "Asterisk Call Manager/2.10.0\r\nResponse: Success\r\nActionID: 1\r\nMessage: ok\r\n\r\n" +
      "Response: Success\r\nActionID: 2\r\nOutput: line one\r\nOutput: line two\r\n\r\n";
    for (let i = 0; i < text.length; i += 7) parser.push(text.slice(i, i + 7));
    expect(banner).toBe("Asterisk Call Manager/2.10.0");
    expect(seen).toHaveLength(2);
    expect(field(seen[0]!, "actionid")).toBe("1");
    expect(fieldAll(seen[1]!, "Output")).toEqual(["line one", "line two"]);
  });
});

describe("AMI client against a loopback AMI peer", () => {
  it("logs in, pings and matches replies by ActionID", async () => {
    peer = await startAmiPeer();
    const ami = connect(peer);
    const [a, b] = await Promise.all([ami.action("Ping"), ami.action("Ping")]);
    expect(field(a, "Ping")).toBe("Pong");
    expect(field(b, "ActionID")).not.toBe(field(a, "ActionID"));
    expect(peer.logins).toBe(1);
    expect(peer.actions.map((x) => x.action)).toEqual(["Login", "Ping", "Ping"]);
  });

  it("rejects a bad login with auth_failed once the peer answers Error and closes", async () => {
    peer = await startAmiPeer();
    const statuses: Array<[boolean, string | null]> = [];
    const ami = connect(peer, { secret: "wrong", onStatus: (ok, e) => statuses.push([ok, e]) });
    const err = await ami.action("Ping").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AmiError);
    expect((err as AmiError).code).toBe("auth_failed");
    expect((err as AmiError).message).toMatch(/Authentication failed/);
    expect(statuses.at(-1)?.[0]).toBe(false);
  });

  it("rejects an unknown action with Asterisk's message and stays usable", async () => {
    peer = await startAmiPeer();
    const ami = connect(peer);
    const err = (await ami.action("NoSuchThing").catch((e: unknown) => e)) as AmiError;
    expect(err.code).toBe("action_failed");
    expect(err.message).toMatch(/Invalid\/unknown command: NoSuchThing/);
    expect(field(await ami.action("Ping"), "Ping")).toBe("Pong");
  });

  it("collects list events up to …Complete while unrelated events arrive in between", async () => {
    peer = await startAmiPeer();
    peer.contacts.push(
      {
        aor: "1001",
        endpoint: "1001",
        uri: "sip:1001@10.0.0.5:5060",
        userAgent: "Cisco-CP8845/14.2",
        viaAddr: "10.0.0.5",
      },
      { aor: "1002", endpoint: "1002", uri: "sip:1002@10.0.0.6:5060", userAgent: "Yealink", viaAddr: "10.0.0.6" },
    );
    const ami = connect(peer);
    const unsolicited: string[] = [];
    ami.onEvent((e) => unsolicited.push(field(e, "Event")!));
    const contacts = await createAsteriskManager(ami).pjsipContacts();
    expect(contacts.map((c) => [c.endpoint, c.userAgent, c.viaAddr, c.status])).toEqual([
      ["1001", "Cisco-CP8845/14.2", "10.0.0.5", "Reachable"],
      ["1002", "Yealink", "10.0.0.6", "Reachable"],
    ]);
    expect(contacts[0]!.expiresAt).toMatch(/^\d{4}-/);
    expect(unsolicited).toContain("DeviceStateChange");
    expect(unsolicited).toContain("FullyBooted");
    peer.contacts.length = 0;
    expect(await createAsteriskManager(ami).pjsipContacts()).toEqual([]);
  });

  it("sends the phone-control actions with the exact fields", async () => {
    peer = await startAmiPeer();
    const control = createAsteriskPhoneControl(connect(peer));
    await control.pjsipNotify("1001", [
      ["Event", "service-control"],
      ["Content", "action=restart"],
      ["Content", ""],
    ]);
    await control.sipNotify("1002", [["Event", "check-sync"]]);
    await control.sccpDeviceRestart("SEP001122334455", "reset");
    const [n, s, r] = peer.actions.slice(1);
    expect([n!.action, n!.get("Endpoint"), n!.all("Variable")]).toEqual([
      "PJSIPNotify",
      "1001",
      ["Event=service-control", "Content=action=restart", "Content="],
    ]);
    expect([s!.action, s!.get("Channel"), s!.all("Variable")]).toEqual(["SIPnotify", "1002", ["Event=check-sync"]]);
    expect([r!.action, r!.get("Devicename"), r!.get("Type")]).toEqual([
      "SCCPDeviceRestart",
      "SEP001122334455",
      "reset",
    ]);
  });

  it("asks for module reloads with Command", async () => {
    peer = await startAmiPeer();
    await createAsteriskManager(connect(peer)).reload(["PJSIP", "SIP", "SCCP"]);
    expect(peer.actions.filter((a) => a.action === "Command").map((a) => a.get("Command"))).toEqual([
      "module reload res_pjsip.so",
      "sip reload",
      "sccp reload",
    ]);
  });

  it("fails fast while the peer is down, then reconnects by itself after it returns", async () => {
    peer = await startAmiPeer();
    const ami = connect(peer);
    await ami.action("Ping");
    await peer.stop();
    const err = (await ami.action("Ping").catch((e: unknown) => e)) as AmiError;
    expect(["connect_failed", "closed"]).toContain(err.code);
    await peer.start();
    await expect.poll(() => ami.connected, { timeout: 3000 }).toBe(true);
    expect(field(await ami.action("Ping"), "Ping")).toBe("Pong");
    expect(peer.logins).toBe(2);
  });

  it("times out when a server greets but never answers", async () => {
    const net = await import("node:net");
    const sockets: import("node:net").Socket[] = [];
    const silent = net.createServer((s) => {
      sockets.push(s);
      s.on("error", () => undefined);
      s.write("Asterisk Call Manager/13.0.0\r\n");
    });
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", () => r()));
    client = createAmiClient({
      host: "127.0.0.1",
      port: (silent.address() as import("node:net").AddressInfo).port,
      username: "u",
      secret: "s",
      timeoutMs: 200,
    });
    const started = Date.now();
    const err = (await client.action("Ping").catch((e: unknown) => e)) as AmiError;
    expect(err.code).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(2000);
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => silent.close(() => r()));
  });
});
