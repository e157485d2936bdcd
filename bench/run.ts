import { writeFileSync } from "node:fs";
import { benchEngine } from "./engine-bench.ts";

/** `npm run bench`: in-process figures, written to bench/results.json and printed as a table. */
const results: Record<string, unknown> = { date: new Date().toISOString(), node: process.version };
const engine = await benchEngine({ payers: 200, flowsPerPayer: 5 });
results.engine = engine;
writeFileSync(new URL("./results.json", import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
console.table(Object.fromEntries(Object.entries(results).filter(([, v]) => typeof v === "object")));
