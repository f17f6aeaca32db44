// `npm run bench`: runs every bench/*.bench.ts in turn (or only those whose name contains argv[2]).
import { readdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const filter = process.argv[2];
const dir = import.meta.dirname;
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".bench.ts") && (!filter || f.includes(filter)))
  .sort();
if (files.length === 0) console.log("no benchmarks found");
for (const file of files) {
  console.log(
    `\n## ${file.replace(/\.bench\.ts$/, "")} (database: ${process.env.DATABASE_URL?.split(":")[0] ?? "sqlite"})`,
  );
  const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as { run: () => Promise<void> };
  await mod.run();
}
process.exit(0);
