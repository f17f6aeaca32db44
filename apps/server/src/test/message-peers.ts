import http from "node:http";
import type net from "node:net";
import { SMTPServer } from "smtp-server";

/** A mail as a real SMTP server (smtp-server on loopback) received it, its body decoded from quoted-printable. */
export interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
}

const decodeQp = (s: string) =>
  s.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));

export async function startSmtpPeer(): Promise<{ port: number; mails: ReceivedMail[]; close(): Promise<void> }> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      let data = "";
      stream.on("data", (c: Buffer) => (data += c.toString()));
      stream.on("end", () => {
        const [head = "", ...rest] = data.split(/\r?\n\r?\n/);
        const qp = /content-transfer-encoding:\s*quoted-printable/i.test(head);
        const body = rest.join("\n\n");
        mails.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: /^subject:\s*(.*)$/im.exec(head)?.[1]?.trim() ?? "",
          text: qp ? decodeQp(body) : body,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.server.address() as net.AddressInfo).port;
  return { port, mails, close: () => new Promise((r) => server.close(() => r())) };
}

/** A loopback HTTP SMS provider: every request it received, as `{to, text}` from the default JSON body. */
export async function startSmsPeer(): Promise<{
  url: string;
  sms: Array<{ to: string; text: string }>;
  close(): Promise<void>;
}> {
  const sms: Array<{ to: string; text: string }> = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      sms.push(JSON.parse(body) as { to: string; text: string });
      res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as net.AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/send`, sms, close: () => new Promise((r) => server.close(() => r())) };
}
