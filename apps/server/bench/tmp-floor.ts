import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import autocannon from "autocannon";
const cpu = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(f[11]) + Number(f[12])) / 100;
};
const mode = process.argv[2] ?? "buffer";
const child = spawn(
  process.execPath,
  [
    "-e",
    `
const http = require("node:http");
const body = Buffer.from("x".repeat(1500));
const str = body.toString();
http.createServer((req, res) => {
  ${mode === "string" ? 'res.writeHead(200, {"content-type":"text/plain","content-length":1500,"cache-control":"no-store"}); res.end(str);' : 'res.writeHead(200, {"content-type":"text/plain","content-length":1500,"cache-control":"no-store"}); res.end(body);'}
}).listen(4599, "127.0.0.1", () => console.log("up"));
`,
  ],
  { stdio: ["ignore", "pipe", "inherit"] },
);
await new Promise((r) => child.stdout!.once("data", r));
await autocannon({ url: "http://127.0.0.1:4599/provision/x.cfg", connections: 200, duration: 2 });
const before = cpu(child.pid!);
const cb = process.cpuUsage();
const r = await autocannon({ url: "http://127.0.0.1:4599/provision/x.cfg", connections: 200, duration: 8 });
const c = process.cpuUsage(cb);
console.log(
  mode,
  "rps",
  r.requests.average,
  "p99",
  r.latency.p99,
  "server µs/req",
  (((cpu(child.pid!) - before) * 1e6) / r.requests.total).toFixed(0),
  "client µs/req",
  ((c.user + c.system) / r.requests.total).toFixed(0),
);
child.kill();
