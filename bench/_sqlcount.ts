import Database from "better-sqlite3";
const stats = new Map<string, { n: number; ns: bigint }>();
const proto = (Database.prototype as unknown as { prepare: (sql: string) => unknown }).prepare;
(Database.prototype as unknown as { prepare: (sql: string) => unknown }).prepare = function (this: unknown, sql: string) {
  const stmt = proto.call(this, sql) as Record<string, (...a: unknown[]) => unknown>;
  for (const m of ["run", "get", "all"]) {
    const orig = stmt[m]!.bind(stmt);
    stmt[m] = (...args: unknown[]) => {
      const t = process.hrtime.bigint();
      try {
        return orig(...args);
      } finally {
        const k = sql.replace(/\s+/g, " ").slice(0, 90);
        const e = stats.get(k) ?? { n: 0, ns: 0n };
        e.n++;
        e.ns += process.hrtime.bigint() - t;
        stats.set(k, e);
      }
    };
  }
  return stmt;
};
const { benchEngine } = await import("./engine-bench.ts");
const r = await benchEngine({ payers: 200, flowsPerPayer: 5 });
console.log(JSON.stringify(r));
const total = [...stats.values()].reduce((a, b) => a + Number(b.ns), 0);
console.log(
  "total sql ms",
  (total / 1e6).toFixed(0),
  "statements",
  [...stats.values()].reduce((a, b) => a + b.n, 0),
);
for (const [k, v] of [...stats].sort((a, b) => Number(b[1].ns - a[1].ns)).slice(0, 30))
  console.log(String(v.n).padStart(7), (Number(v.ns) / 1e6).toFixed(0).padStart(6), "ms", (Number(v.ns) / v.n / 1000).toFixed(1).padStart(6), "µs", k);
