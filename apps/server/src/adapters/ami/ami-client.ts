import { randomBytes } from "node:crypto";
import net from "node:net";
import { createAmiParser, encodeAction, field, isAmiBanner, type AmiFields, type AmiMessage } from "./ami-wire.js";

export type AmiErrorCode = "connect_failed" | "auth_failed" | "timeout" | "closed" | "action_failed" | "protocol";

/** Every failure of the AMI adapter; `code` says which, `message` is safe to show an admin. */
export class AmiError extends Error {
  constructor(
    readonly code: AmiErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "AmiError";
  }
}

export interface AmiClientOptions {
  host: string;
  port: number;
  username: string;
  secret: string;
  /** Per action, and for connect + login. */
  timeoutMs?: number;
  /** Background reconnect after a dropped connection: first delay, doubled up to max. */
  backoff?: { initialMs: number; maxMs: number };
  /** Told about every connection outcome (the health row of the dashboard). */
  onStatus?: (ok: boolean, error: string | null) => void;
}

export interface AmiListResult {
  response: AmiMessage;
  events: AmiMessage[];
}

export interface AmiClient {
  /** Sends one action and resolves with its `Response: Success` (rejects on `Response: Error`). */
  /** `timeoutMs`: for an action known to take long (a reload of a site's whole config), instead of the client's. */
  action(action: string, fields?: AmiFields, options?: { timeoutMs?: number }): Promise<AmiMessage>;
  /** An action answered by a list of events ending in `…Complete`; interleaved unrelated events are ignored. */
  listAction(action: string, fields?: AmiFields): Promise<AmiListResult>;
  /** Unsolicited events (those without one of our ActionIDs). Returns an unsubscribe function. */
  onEvent(listener: (event: AmiMessage) => void): () => void;
  readonly connected: boolean;
  close(): Promise<void>;
}

interface Pending {
  list: boolean;
  response?: AmiMessage;
  events: AmiMessage[];
  resolve(value: AmiMessage | AmiListResult): void;
  reject(error: AmiError): void;
  timer: NodeJS.Timeout;
}

interface Connection {
  socket: net.Socket;
  pending: Map<string, Pending>;
}

/** A TCP AMI client: lazy connect + login, ActionID matching, timeouts, reconnect with backoff. */
export function createAmiClient(options: AmiClientOptions): AmiClient {
  const timeoutMs = options.timeoutMs ?? 5000;
  const backoff = options.backoff ?? { initialMs: 500, maxMs: 30_000 };
  const listeners = new Set<(event: AmiMessage) => void>();
  const prefix = randomBytes(4).toString("hex");
  let sequence = 0;
  let current: Connection | null = null;
  let connecting: Promise<Connection> | null = null;
  let reconnectTimer: NodeJS.Timeout | null = null;
  let reconnectDelay = backoff.initialMs;
  let closed = false;

  const nextActionId = () => `${prefix}-${++sequence}`;

  function report(ok: boolean, error: string | null) {
    try {
      options.onStatus?.(ok, error);
    } catch {
      /* a status observer must not break the client */
    }
  }

  function dispatch(conn: Connection, message: AmiMessage) {
    const id = field(message, "ActionID");
    const pending = id ? conn.pending.get(id) : undefined;
    if (!pending) {
      if (field(message, "Event")) for (const l of listeners) l(message);
      return;
    }
    const response = field(message, "Response");
    if (response !== undefined) {
      if (response.toLowerCase() === "error") {
        settle(conn, id!, new AmiError("action_failed", field(message, "Message") ?? "AMI error"));
        return;
      }
      pending.response = message;
      const listStarts = (field(message, "EventList") ?? "").toLowerCase() === "start";
      if (!pending.list || !listStarts) settle(conn, id!, undefined);
      return;
    }
    const event = field(message, "Event");
    if (event !== undefined) {
      const complete = /Complete$/.test(event) || (field(message, "EventList") ?? "").toLowerCase() === "complete";
      if (complete) settle(conn, id!, undefined);
      else pending.events.push(message);
    }
  }

  function settle(conn: Connection, id: string, error: AmiError | undefined) {
    const pending = conn.pending.get(id);
    if (!pending) return;
    conn.pending.delete(id);
    clearTimeout(pending.timer);
    if (error) return pending.reject(error);
    const response = pending.response ?? { lines: [] };
    pending.resolve(pending.list ? { response, events: pending.events } : response);
  }

  function send(conn: Connection, action: string, fields: AmiFields, list: boolean, waitMs = timeoutMs) {
    return new Promise<AmiMessage | AmiListResult>((resolve, reject) => {
      const id = nextActionId();
      let payload: string;
      try {
        payload = encodeAction(action, id, fields);
      } catch (err) {
        return reject(new AmiError("protocol", (err as Error).message));
      }
      const timer = setTimeout(() => {
        conn.pending.delete(id);
        reject(new AmiError("timeout", `AMI ${action} timed out after ${waitMs} ms`));
      }, waitMs);
      conn.pending.set(id, { list, events: [], resolve, reject, timer });
      conn.socket.write(payload);
    });
  }

  function open(): Promise<Connection> {
    return new Promise<Connection>((resolve, reject) => {
      const socket = net.createConnection({ host: options.host, port: options.port });
      socket.setEncoding("utf8");
      socket.setNoDelay(true);
      const conn: Connection = { socket, pending: new Map() };
      let ready = false;
      const fail = (error: AmiError) => {
        if (ready) return;
        ready = true;
        clearTimeout(timer);
        socket.destroy();
        reject(error);
      };
      const timer = setTimeout(
        () => fail(new AmiError("timeout", `AMI ${options.host}:${options.port}: no login within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const parser = createAmiParser({
        banner(line) {
          if (!isAmiBanner(line))
            return fail(new AmiError("protocol", `not an AMI server (banner "${line.slice(0, 60)}")`));
          send(conn, "Login", { Username: options.username, Secret: options.secret }, false).then(
            () => {
              if (ready) return;
              ready = true;
              clearTimeout(timer);
              resolve(conn);
            },
            (err: AmiError) =>
              fail(
                err.code === "action_failed" ? new AmiError("auth_failed", `AMI login refused: ${err.message}`) : err,
              ),
          );
        },
        message: (m) => dispatch(conn, m),
      });
      socket.on("data", (chunk: string) => parser.push(chunk));
      socket.on("error", (err) =>
        fail(new AmiError("connect_failed", `AMI ${options.host}:${options.port}: ${err.message}`)),
      );
      socket.on("close", () => {
        fail(new AmiError("closed", "AMI connection closed during login"));
        for (const id of [...conn.pending.keys()]) settle(conn, id, new AmiError("closed", "AMI connection closed"));
        if (current === conn) {
          current = null;
          report(false, "AMI connection closed");
          scheduleReconnect();
        }
      });
    });
  }

  function scheduleReconnect() {
    if (closed || reconnectTimer) return;
    const delay = reconnectDelay;
    reconnectDelay = Math.min(reconnectDelay * 2, backoff.maxMs);
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null;
      ensureConnected().catch(() => scheduleReconnect());
    }, delay);
    reconnectTimer.unref();
  }

  function ensureConnected(): Promise<Connection> {
    if (closed) return Promise.reject(new AmiError("closed", "AMI client closed"));
    if (current) return Promise.resolve(current);
    connecting ??= open()
      .then((conn) => {
        if (closed) {
          conn.socket.destroy();
          throw new AmiError("closed", "AMI client closed");
        }
        current = conn;
        reconnectDelay = backoff.initialMs;
        report(true, null);
        return conn;
      })
      .catch((err: AmiError) => {
        report(false, err.message);
        throw err;
      })
      .finally(() => {
        connecting = null;
      });
    return connecting;
  }

  return {
    async action(action, fields = {}, actionOptions = {}) {
      return (await send(
        await ensureConnected(),
        action,
        fields,
        false,
        Math.max(timeoutMs, actionOptions.timeoutMs ?? 0),
      )) as AmiMessage;
    },
    async listAction(action, fields = {}) {
      return (await send(await ensureConnected(), action, fields, true)) as AmiListResult;
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get connected() {
      return current !== null;
    },
    async close() {
      closed = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      const conn = current;
      current = null;
      if (conn) {
        await new Promise<void>((resolve) => {
          conn.socket.once("close", () => resolve());
          conn.socket.end(encodeAction("Logoff", nextActionId()));
          setTimeout(() => conn.socket.destroy(), 200).unref();
        });
      }
    },
  };
}
