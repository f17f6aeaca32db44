import net from "node:net";
import { createAmiParser, field, type AmiMessage } from "../adapters/ami/ami-wire.js";

/** A received action, for assertions. */
export interface PeerAction {
  action: string;
  lines: ReadonlyArray<readonly [string, string]>;
  get(key: string): string | undefined;
  all(key: string): string[];
}

export interface PeerContact {
  aor: string;
  endpoint: string;
  uri: string;
  userAgent: string;
  viaAddr: string;
}

/**
 * A loopback AMI server that speaks Asterisk's manager protocol as Asterisk 13+ does: the banner line,
 * `Key: Value` blocks, ActionID echo, bad login → error after a delay and then close, unknown actions,
 * list actions with an unsolicited event slipped in between the response and the list events.
 */
export async function startAmiPeer(options: { username?: string; secret?: string; badLoginDelayMs?: number } = {}) {
  const username = options.username ?? "cisisk";
  const secret = options.secret ?? "ami-secret";
  const actions: PeerAction[] = [];
  const contacts: PeerContact[] = [];
  /** chan_sip peers; null = chan_sip not loaded (Asterisk 21+), so SIPpeers is an unknown command. */
  const chanSip: { sipPeers: Array<{ name: string; ip: string | null }> | null } = { sipPeers: null };
  const sockets = new Set<net.Socket>();
  let server: net.Server | null = null;
  let port = 0;
  let logins = 0;
  /** stallCommands: `Command` actions (reloads) get no answer at all (an Asterisk hung mid-reload). */
  const behaviour = { stallCommands: false };

  function reply(socket: net.Socket, lines: Array<[string, string | number]>) {
    if (!socket.destroyed) socket.write(lines.map(([k, v]) => `${k}: ${v}\r\n`).join("") + "\r\n");
  }

  function handle(socket: net.Socket, state: { authed: boolean }, m: AmiMessage) {
    const get = (k: string) => field(m, k);
    const action = get("Action");
    const id = get("ActionID");
    const idLine: Array<[string, string]> = id === undefined ? [] : [["ActionID", id]];
    if (!action) return reply(socket, [["Response", "Error"], ...idLine, ["Message", "Missing action in request"]]);
    actions.push({
      action,
      lines: m.lines,
      get,
      all: (k) => m.lines.filter(([n]) => n.toLowerCase() === k.toLowerCase()).map(([, v]) => v),
    });
    const name = action.toLowerCase();
    if (name === "login") {
      if (get("Username") !== username || get("Secret") !== secret) {
        setTimeout(() => {
          reply(socket, [["Response", "Error"], ...idLine, ["Message", "Authentication failed"]]);
          socket.end();
        }, options.badLoginDelayMs ?? 50);
        return;
      }
      state.authed = true;
      logins++;
      reply(socket, [["Response", "Success"], ...idLine, ["Message", "Authentication accepted"]]);
      reply(socket, [
        ["Event", "FullyBooted"],
        ["Privilege", "system,all"],
        ["Uptime", 42],
        ["LastReload", 42],
        ["Status", "Fully Booted"],
      ]);
      return;
    }
    if (!state.authed) return reply(socket, [["Response", "Error"], ...idLine, ["Message", "Authentication Required"]]);
    switch (name) {
      case "ping":
        return reply(socket, [
          ["Response", "Success"],
          ...idLine,
          ["Ping", "Pong"],
          ["Timestamp", `${Date.now() / 1000}`],
        ]);
      case "logoff":
        reply(socket, [["Response", "Goodbye"], ...idLine, ["Message", "Thanks for all the fish."]]);
        return void socket.end();
      case "command":
        if (behaviour.stallCommands) return;
        return reply(socket, [
          ["Response", "Success"],
          ...idLine,
          ["Message", "Command output follows"],
          ["Output", `Module '${get("Command")}' reloaded successfully.`],
        ]);
      case "pjsipnotify":
      case "sipnotify":
        return reply(socket, [["Response", "Success"], ...idLine, ["Message", "NOTIFY sent"]]);
      case "sccpdevicerestart":
        return reply(socket, [["Response", "Success"], ...idLine, ["Message", "Device restarted"]]);
      case "pjsipshowcontacts": {
        if (contacts.length === 0)
          return reply(socket, [["Response", "Error"], ...idLine, ["Message", "No Contacts found"]]);
        reply(socket, [
          ["Response", "Success"],
          ...idLine,
          ["EventList", "start"],
          ["Message", "A listing of Contacts follows, presented as ContactList events"],
        ]);
        // Unsolicited traffic between a response and its list: the client must match on ActionID.
        reply(socket, [
          ["Event", "DeviceStateChange"],
          ["Privilege", "call,all"],
          ["Device", "PJSIP/9999"],
          ["State", "NOT_INUSE"],
        ]);
        for (const c of contacts) {
          reply(socket, [
            ["Event", "ContactList"],
            ...idLine,
            ["ObjectType", "contact"],
            ["ObjectName", `${c.aor};@${c.uri.length}`],
            ["ViaAddr", c.viaAddr],
            ["ViaPort", 5060],
            ["QualifyTimeout", 3],
            ["CallId", "abc@host"],
            ["RegServer", ""],
            ["PruneOnBoot", "yes"],
            ["Path", ""],
            ["Endpoint", c.endpoint],
            ["AuthenticateQualify", "no"],
            ["Uri", c.uri],
            ["QualifyFrequency", 60],
            ["UserAgent", c.userAgent],
            ["ExpirationTime", Math.floor(Date.now() / 1000) + 3600],
            ["OutboundProxy", ""],
            ["Status", "Reachable"],
            ["RoundtripUsec", 1234],
            ["Aor", c.aor],
          ]);
        }
        return reply(socket, [
          ["Event", "ContactListComplete"],
          ...idLine,
          ["EventList", "Complete"],
          ["ListItems", contacts.length],
        ]);
      }
      case "sippeers": {
        if (!chanSip.sipPeers) break;
        reply(socket, [
          ["Response", "Success"],
          ...idLine,
          ["EventList", "start"],
          ["Message", "Peer status list will follow"],
        ]);
        for (const p of chanSip.sipPeers) {
          reply(socket, [
            ["Event", "PeerEntry"],
            ...idLine,
            ["Channeltype", "SIP"],
            ["ObjectName", p.name],
            ["ChanObjectType", "peer"],
            ["IPaddress", p.ip ?? "-none-"],
            ["IPport", p.ip ? 5060 : 0],
            ["Dynamic", "yes"],
            ["Status", p.ip ? "OK (4 ms)" : "UNKNOWN"],
          ]);
        }
        return reply(socket, [
          ["Event", "PeerlistComplete"],
          ...idLine,
          ["EventList", "Complete"],
          ["ListItems", chanSip.sipPeers.length],
        ]);
      }
    }
    return reply(socket, [
      ["Response", "Error"],
      ...idLine,
      ["Message", `Invalid/unknown command: ${action}. Use Action: ListCommands to show available commands.`],
    ]);
  }

  async function listen(): Promise<void> {
    server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => undefined);
      socket.setEncoding("utf8");
      const state = { authed: false };
      const parser = createAmiParser({ banner: () => undefined, message: (m) => handle(socket, state, m) });
      // The client sends no banner; prime the parser as if it had.
      parser.push("client\r\n");
      socket.on("data", (chunk: string) => parser.push(chunk));
      socket.write("Asterisk Call Manager/13.0.0\r\n");
    });
    await new Promise<void>((resolve, reject) => {
      server!.once("error", reject);
      server!.listen(port, "127.0.0.1", () => resolve());
    });
    port = (server.address() as net.AddressInfo).port;
  }

  await listen();
  return {
    get port() {
      return port;
    },
    username,
    secret,
    actions,
    contacts,
    /** Set `peer.chanSip.sipPeers = [...]` to have chan_sip loaded. */
    chanSip,
    behaviour,
    get logins() {
      return logins;
    },
    /** Sends an unsolicited event to every connected client. */
    broadcast(lines: Array<[string, string | number]>) {
      for (const s of sockets) reply(s, lines);
    },
    /** Simulates an outage: closes the listener and every connection. */
    async stop(): Promise<void> {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      server = null;
    },
    /** Back on the same port. */
    start: listen,
  };
}
export type AmiPeer = Awaited<ReturnType<typeof startAmiPeer>>;
