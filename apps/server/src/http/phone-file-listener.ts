import http from "node:http";
import type { PhoneFileAnswer, PhoneFileRequest } from "../modules/file-store/phone-file-source.js";

/**
 * The small HTTP listener Cisco 78xx/88xx firmware asks first for its files (`[provisioning] cisco_http_port`,
 * 6970): GET/HEAD `/<file name>`, answered from the same lookup as TFTP. Phones talk to it directly, so the
 * client address is the socket's.
 */
export async function startPhoneFileListener(options: {
  host: string;
  port: number;
  lookup: (request: PhoneFileRequest) => Promise<PhoneFileAnswer>;
  onError?: (error: unknown) => void;
}): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const text = (status: number, message: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "text/plain; charset=utf-8", ...headers });
      res.end(req.method === "HEAD" ? undefined : `${message}\n`);
    };
    if (req.method !== "GET" && req.method !== "HEAD") return text(405, "method not allowed", { allow: "GET, HEAD" });
    let fileName: string;
    try {
      fileName = decodeURIComponent((req.url ?? "/").split("?")[0]!.replace(/^\/+/, ""));
    } catch {
      return text(400, "bad file name");
    }
    options
      .lookup({ fileName, clientIp: req.socket.remoteAddress ?? "", userAgent: req.headers["user-agent"] })
      .then((a) => {
        if (a.kind === "file") {
          res.writeHead(200, {
            "content-type": a.contentType,
            "content-length": String(a.body.length),
            "cache-control": "no-store",
          });
          return res.end(req.method === "HEAD" ? undefined : a.body);
        }
        if (a.kind === "throttled")
          return text(429, "too many requests for missing files", { "retry-after": String(a.retryAfterSeconds) });
        return a.kind === "bad_name" ? text(400, "bad file name") : text(404, "not found");
      })
      .catch((error: unknown) => {
        options.onError?.(error);
        if (!res.headersSent) text(500, "internal error");
        else res.destroy();
      });
  });
  server.on("clientError", (_err, socket) => socket.destroy());
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  return {
    port: typeof address === "object" && address ? address.port : options.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
