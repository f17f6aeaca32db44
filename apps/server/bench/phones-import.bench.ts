// Phone CSV import through HTTP: 5,000 phones (dry run, then for real) on the engine DATABASE_URL names.
// Target: under 10 s for the real import.
import { performance } from "node:perf_hooks";
import { startBenchApp } from "./bench-app.js";

const ROWS = Number(process.env.BENCH_PHONE_IMPORT_ROWS ?? 5_000);

export async function run(): Promise<void> {
  const { app, authorization, close } = await startBenchApp({ shared: true });
  try {
    const headers = { authorization, "content-type": "text/csv" };
    for (let u = 0; u < 50; u++) {
      const res = await app.inject({
        method: "POST",
        url: "/api/v1/users",
        headers: { authorization: headers.authorization },
        payload: { username: `owner${u}`, displayName: `Owner ${u}` },
      });
      if (res.statusCode !== 201) throw new Error(`user: ${res.statusCode} ${res.body}`);
    }
    const models = ["7965", "8845", "7942", "8861", "7841"];
    const kems: Record<string, string> = { "7965": "7915;7915", "8861": "CP-8800-Audio" };
    const lines = ["mac,model,softwareType,label,location,ip,username,kems"];
    for (let i = 0; i < ROWS; i++) {
      const model = models[i % models.length]!;
      const mac = `00:1E:4A:${((i >> 16) & 255).toString(16).padStart(2, "0")}:${((i >> 8) & 255).toString(16).padStart(2, "0")}:${(i & 255).toString(16).padStart(2, "0")}`;
      lines.push(
        `${mac},${model},SIP,Desk ${i},Floor ${i % 30},10.1.${(i >> 8) & 255}.${i & 255},owner${i % 50},${i % 3 === 0 ? (kems[model] ?? "") : ""}`,
      );
    }
    const csv = lines.join("\n");
    for (const dryRun of [true, false]) {
      const t0 = performance.now();
      const res = await app.inject({
        method: "POST",
        url: `/api/v1/phones/import${dryRun ? "?dryRun=true" : ""}`,
        headers,
        payload: csv,
      });
      const ms = performance.now() - t0;
      if (res.statusCode !== 200) throw new Error(`import: ${res.statusCode} ${res.body.slice(0, 300)}`);
      console.log(
        `phone import ${ROWS} rows${dryRun ? " (dry run)" : ""}: ${(ms / 1000).toFixed(2)} s (${((ROWS / ms) * 1000).toFixed(0)} rows/s)${!dryRun && ms >= 10_000 ? "  (over 10 s)" : ""}`,
      );
    }
  } finally {
    await close();
  }
}
