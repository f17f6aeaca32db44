// Extensions with 10 000 rows: CSV import through HTTP, then list latency (page, search, sort, filter).
import { performance } from "node:perf_hooks";

import { percentile, startBenchApp } from "./bench-app.js";

const ROWS = Number(process.env.BENCH_EXTENSIONS ?? 10_000);
const RUNS = 40;

export async function run(): Promise<void> {
  const { app, authorization, close } = await startBenchApp();
  try {
    const headers = { authorization };

    const techs = ["PJSIP", "SIP", "SCCP"];
    const lines = ["number,technology,displayName,username"];
    for (let i = 0; i < ROWS; i++) lines.push(`${100000 + i},${techs[i % 3]},Person ${i} Desk,`);
    let t0 = performance.now();
    const imported = await app.inject({
      method: "POST",
      url: "/api/v1/extensions/import",
      headers: { ...headers, "content-type": "text/csv" },
      payload: lines.join("\n"),
    });
    const importMs = performance.now() - t0;
    if (imported.statusCode !== 200)
      throw new Error(`import failed: ${imported.statusCode} ${imported.body.slice(0, 300)}`);
    console.log(
      `import ${ROWS} rows (CSV over HTTP, all-or-nothing): ${importMs.toFixed(0)} ms (${((ROWS / importMs) * 1000).toFixed(0)} rows/s)`,
    );

    const cases: Array<[string, string]> = [
      ["page 1, sort number", "/api/v1/extensions?pageSize=50&sort=number"],
      ["page 100, sort -displayName", "/api/v1/extensions?pageSize=50&page=100&sort=-displayName"],
      ["search q=4242", "/api/v1/extensions?q=4242"],
      ["search q=desk (matches all)", "/api/v1/extensions?q=desk&pageSize=50"],
      ["filter technology=SCCP", "/api/v1/extensions?technology=SCCP&pageSize=50"],
    ];
    for (const [label, url] of cases) {
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        t0 = performance.now();
        const res = await app.inject({ method: "GET", url, headers });
        times.push(performance.now() - t0);
        if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode}`);
      }
      times.sort((a, b) => a - b);
      console.log(
        `list ${label.padEnd(30)} p50 ${percentile(times, 50).toFixed(1)} ms  p95 ${percentile(times, 95).toFixed(1)} ms  (${RUNS} runs)`,
      );
    }
    t0 = performance.now();
    await app.inject({ method: "GET", url: "/api/v1/dashboard", headers });
    console.log(`dashboard with ${ROWS} extensions: ${(performance.now() - t0).toFixed(1)} ms`);
  } finally {
    await close();
  }
}
