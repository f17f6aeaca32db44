import http from "node:http";
import net from "node:net";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.js";
import { eventually } from "../../test/server-process.js";

// Real peers on loopback: an SMTP server (smtp-server) and an HTTP listener standing in for the SMS gateway.
interface Received {
  from: string;
  to: string[];
  data: string;
}

async function startSmtp(): Promise<{ port: number; mails: Received[]; close(): Promise<void> }> {
  const mails: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      let data = "";
      stream.on("data", (c: Buffer) => (data += c.toString()));
      stream.on("end", () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          data,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.server.address() as net.AddressInfo).port;
  return { port, mails, close: () => new Promise((r) => server.close(() => r())) };
}

/** A port nothing listens on: a mail server that is down. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

let smtp: Awaited<ReturnType<typeof startSmtp>>;
let gateway: http.Server;
let gatewayPort = 0;
const smsRequests: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders; body: string }> = [];
let gatewayStatus = 200;

beforeAll(async () => {
  smtp = await startSmtp();
  gateway = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      smsRequests.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      res.writeHead(gatewayStatus, { "content-type": "application/json" }).end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => gateway.listen(0, "127.0.0.1", () => r()));
  gatewayPort = (gateway.address() as net.AddressInfo).port;
});
afterAll(async () => {
  await smtp?.close();
  await new Promise((r) => gateway?.close(r));
});

const fast = { backoff_seconds: 0.05, max_backoff_seconds: 0.2, max_attempts: 3 };

describe("mail and SMS through the job helper", () => {
  let t: TestApp;
  afterAll(async () => t?.close());

  it("sends a mail to a real SMTP server and marks the component ok", async () => {
    t = await buildTestApp({
      toml: {
        mail: { smtp_url: `smtp://127.0.0.1:${smtp.port}`, from: "Cisisk <pbx@example.com>" },
        sms: {
          url: `http://127.0.0.1:${gatewayPort}/send?to={{to}}`,
          method: "POST",
          headers: { Authorization: "Bearer gw-token" },
          body_template: '{"to":"{{to}}","text":"{{text}}"}',
        },
        jobs: fast,
      },
    });
    await t.deps.notifications.sendMail({ to: "alice@example.com", subject: "Welcome", text: "Your code is 1234" });
    const mail = await eventually(async () => smtp.mails[0], 10_000, "the mail");
    expect(mail.from).toBe("pbx@example.com");
    expect(mail.to).toEqual(["alice@example.com"]);
    expect(mail.data).toMatch(/Subject: Welcome/);
    expect(mail.data).toMatch(/Your code is 1234/);
    const h = await t.adminHeaders();
    const dash = (await t.app.inject({ method: "GET", url: "/api/v1/dashboard", headers: h })).json();
    expect(dash.components.mail.status).toBe("ok");
  });

  it("sends an SMS through the configured HTTP request, JSON-escaped", async () => {
    await t.deps.notifications.sendSms({ to: "+41 79 000 00 01", text: 'He said "hi"\nbye' });
    const req = await eventually(async () => smsRequests[0], 10_000, "the SMS request");
    expect(req.method).toBe("POST");
    expect(req.url).toBe("/send?to=%2B41%2079%20000%2000%2001");
    expect(req.headers.authorization).toBe("Bearer gw-token");
    expect(req.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(req.body)).toEqual({ to: "+41 79 000 00 01", text: 'He said "hi"\nbye' });
  });

  it("an SMS the gateway refuses is retried, then shown failed", async () => {
    gatewayStatus = 503;
    const id = await t.deps.notifications.sendSms({ to: "+41790000002", text: "x" });
    await eventually(async () => {
      await t.deps.jobs.runDue();
      const row = await t.db.kysely.selectFrom("jobs").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
      return row.status === "failed" ? row : undefined;
    }, 10_000);
    gatewayStatus = 200;
    const dash = (
      await t.app.inject({ method: "GET", url: "/api/v1/dashboard", headers: await t.adminHeaders() })
    ).json();
    expect(dash.components.sms).toMatchObject({ status: "down", lastError: expect.stringMatching(/answered 503/) });
    expect(dash.recentSendFailures[0]).toMatchObject({ id, kind: "sms", status: "failed", attempts: 3 });
  });
});

describe("a mail to a stopped SMTP server", () => {
  let t: TestApp;
  afterAll(async () => t?.close());

  it("is retried with backoff, then shown failed on the dashboard's recent failures and component health", async () => {
    t = await buildTestApp({
      toml: { mail: { smtp_url: `smtp://127.0.0.1:${await closedPort()}` }, jobs: fast, restart: { timeout_ms: 1000 } },
    });
    const id = await t.deps.notifications.sendMail({ to: "bob@example.com", subject: "Code", text: "5678" });
    const attempts: number[] = [];
    const failed = await eventually(async () => {
      await t.deps.jobs.runDue();
      const row = await t.db.kysely.selectFrom("jobs").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
      if (!attempts.includes(row.attempts)) attempts.push(row.attempts);
      return row.status === "failed" ? row : undefined;
    }, 15_000);
    expect(failed).toMatchObject({ kind: "mail", attempts: 3, lease_owner: null });
    expect(failed.last_error).toMatch(/ECONNREFUSED/);
    expect(attempts.at(-1)).toBe(3);
    const dash = (
      await t.app.inject({ method: "GET", url: "/api/v1/dashboard", headers: await t.adminHeaders() })
    ).json();
    expect(dash.components.mail).toMatchObject({ status: "down", lastError: expect.stringMatching(/ECONNREFUSED/) });
    expect(dash.recentSendFailures).toEqual([
      expect.objectContaining({ id, kind: "mail", to: "bob@example.com", status: "failed", attempts: 3 }),
    ]);
  });
});

describe("unconfigured mail and SMS", () => {
  it("the send call says so at once and queues nothing", async () => {
    const t = await buildTestApp();
    try {
      await expect(t.deps.notifications.sendMail({ to: "a@example.com", subject: "s", text: "t" })).rejects.toThrow(
        /mail is not configured/,
      );
      await expect(t.deps.notifications.sendSms({ to: "+41", text: "t" })).rejects.toThrow(/SMS is not configured/);
      expect(await t.db.kysely.selectFrom("jobs").selectAll().where("kind", "in", ["mail", "sms"]).execute()).toEqual(
        [],
      );
      const dash = (
        await t.app.inject({ method: "GET", url: "/api/v1/dashboard", headers: await t.adminHeaders() })
      ).json();
      expect(dash.components.mail.status).toBe("not_configured");
    } finally {
      await t.close();
    }
  });
});
