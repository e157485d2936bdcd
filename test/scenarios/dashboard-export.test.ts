import { describe, expect } from "vitest";
import { it } from "../fixtures.ts";
import { DashboardClient, listen, signIn } from "../helpers/dashboard-client.ts";
import { bulkPaid, inquire } from "../helpers/dashboard-data.ts";
import { CSV_CHUNK_ROWS, CSV_HEADER } from "../../src/dashboard/csv-export.ts";

const HTTPS = { PUBLIC_BASE_URL: "https://loket.example.com" };

/** CSV lines, split the way RFC 4180 allows (no field in these tests holds a line break). */
const lines = (text: string) => text.split("\r\n").filter((l) => l !== "");

describe("dashboard CSV export", () => {
  it("streams transactions created in a range of WIB days: masked, escaped, filterable by status, audited", async ({ bot }) => {
    const h = await bot(HTTPS);
    const c = new DashboardClient(await listen(h));
    await signIn(h, c);
    // 10:00 WIB on 22 Nov: a NIK product, a name full of HTML, and a row from the day before (23:59 WIB on 21 Nov).
    const nik = await inquire(h, "8001", "bpjs-ketenagakerjaan", "8102051011270000");
    const htmlName = await inquire(h, "8002", "bpjs-kesehatan", "8801234560999");
    h.app.db
      .prepare(
        "INSERT INTO transactions (ref, user_id, account, product, customer_number, status, name, fee, failure_reason, created_at, updated_at) VALUES ('LK00000000YEST', NULL, 'operator', 'bpjs-kesehatan', '8801234567777', 'failed', '=cmd|calc', 0, 'a,b \"c\"', ?, 0)",
      )
      .run(Date.UTC(2026, 10, 21, 16, 59));

    const res = await c.get("/admin/export.csv?from=2026-11-22&to=2026-11-22");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="loket-transactions-2026-11-22_2026-11-22.csv"');
    const today = lines(await res.text());
    expect(today[0]).toBe(CSV_HEADER.join(","));
    expect(today).toHaveLength(3);
    const nikLine = today.find((l) => l.startsWith(nik))!;
    expect(nikLine).toContain(",2026-11-22 10:00:00,,inquired,bpjs-ketenagakerjaan,************0000,ON* SA***** PR*****,1,");
    expect(today.join("\n")).not.toContain("8102051011270000");
    expect(today.find((l) => l.startsWith(htmlName))).toContain(',"SI** <B****** ""A***",');

    const both = lines(await (await c.get("/admin/export.csv?from=2026-11-21&to=2026-11-22")).text());
    expect(both).toHaveLength(4);
    // Oldest first; a formula defused; commas and quotes quoted.
    expect(both[1]).toBe('LK00000000YEST,2026-11-21 23:59:00,,failed,bpjs-kesehatan,8801234567777,\'=c*******,,,,,,,0,,,operator,,"a,b ""c"""');

    const failedOnly = lines(await (await c.get("/admin/export.csv?from=2026-11-01&to=2026-11-30&status=failed")).text());
    expect(failedOnly.map((l) => l.split(",")[0])).toEqual(["ref", "LK00000000YEST"]);
    const audit = h.app.db.prepare("SELECT details FROM audit WHERE action = 'dashboard_export' ORDER BY id").all() as { details: string }[];
    expect(audit.map((a) => JSON.parse(a.details) as unknown)).toEqual([
      { from: "2026-11-22", to: "2026-11-22", status: null },
      { from: "2026-11-21", to: "2026-11-22", status: null },
      { from: "2026-11-01", to: "2026-11-30", status: "failed" },
    ]);
  });

  it("refuses a range that is not two real days in order, or an unknown status, and exports nothing", async ({ bot }) => {
    const h = await bot(HTTPS);
    const c = new DashboardClient(await listen(h));
    await signIn(h, c);
    for (const q of [
      "",
      "from=2026-11-22",
      "from=2026-11-23&to=2026-11-22",
      "from=2026-02-30&to=2026-03-01",
      "from=22-11-2026&to=2026-11-23",
      "from=2026-11-01&to=2026-11-30&status=bogus",
      "from=1900-01-01&to=2026-11-30",
      `from=${"9".repeat(500)}&to=2026-11-30`,
    ]) {
      const res = await c.get(`/admin/export.csv?${q}`);
      expect(res.status, q).toBe(400);
      expect(await res.text(), q).toContain("Pilih dua tanggal");
    }
    expect(h.app.db.prepare("SELECT COUNT(*) AS n FROM audit WHERE action = 'dashboard_export'").get()).toEqual({ n: 0 });
  });

  it(
    "exports 100,000 transactions, streamed in chunks, while the bot keeps writing; the overview stays fast with them",
    { timeout: 120_000 },
    async ({ bot }) => {
      const h = await bot(HTTPS);
      const c = new DashboardClient(await listen(h));
      await signIn(h, c);
      const ROWS = 100_000;
      bulkPaid(h.app.db, ROWS, h.clock.now());

      // Wall time, and the process's CPU time (server and this client together): the second does not grow with a busy machine.
      const cpu = (since: NodeJS.CpuUsage) => {
        const d = process.cpuUsage(since);
        return (d.user + d.system) / 1000;
      };
      const overviewCpu = process.cpuUsage();
      const overviewStart = performance.now();
      const overview = await c.get("/admin");
      const overviewHtml = await overview.text();
      const overviewMs = performance.now() - overviewStart;
      const overviewCpuMs = cpu(overviewCpu);
      expect(overview.status).toBe(200);
      expect(overviewHtml).toContain("Rp");

      const exportCpu = process.cpuUsage();
      const started = performance.now();
      const res = await c.get("/admin/export.csv?from=2026-10-01&to=2026-11-30");
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let chunks = 0;
      let rows = -1; // the header
      let tail = "";
      let first = "";
      let wroteMeanwhile = false;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks++;
        const text = tail + decoder.decode(value, { stream: true });
        const parts = text.split("\r\n");
        tail = parts.pop() ?? "";
        rows += parts.length;
        if (first === "" && parts.length > 1) first = parts[1]!;
        if (!wroteMeanwhile && rows > 10_000) {
          // The export holds no statement open between chunks: a write of the bot goes through mid-stream.
          await h.app.commits.run(() => h.app.repos.audit.record("test", "write_during_export", {}, h.clock.now()));
          wroteMeanwhile = true;
        }
      }
      const exportMs = performance.now() - started;
      const exportCpuMs = cpu(exportCpu);
      expect(tail).toBe("");
      expect(rows).toBe(ROWS);
      expect(wroteMeanwhile).toBe(true);
      expect(chunks).toBeGreaterThanOrEqual(ROWS / CSV_CHUNK_ROWS);
      expect(first).toMatch(/^LK\d{12},2026-10-2\d \d\d:\d\d:\d\d,/);
      console.log(
        `dashboard figures: overview with ${ROWS} transactions: ${overviewMs.toFixed(0)} ms (CPU ${overviewCpuMs.toFixed(0)} ms); ` +
          `CSV export of ${ROWS} rows: ${exportMs.toFixed(0)} ms (CPU ${exportCpuMs.toFixed(0)} ms, ${chunks} reads)`,
      );
    },
  );
});
