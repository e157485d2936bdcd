import { describe, expect } from "vitest";
import { it } from "../fixtures.ts";
import { checkInvariants, type Harness } from "../helpers/app-harness.ts";
import { DashboardClient, listen, signIn } from "../helpers/dashboard-client.ts";
import { inquire, needsReview } from "../helpers/dashboard-data.ts";

const HTTPS = { PUBLIC_BASE_URL: "https://loket.example.com" };

async function signedIn(h: Harness): Promise<DashboardClient> {
  const c = new DashboardClient(await listen(h));
  await signIn(h, c);
  return c;
}

const balanceOf = (h: Harness, id: string) => h.app.repos.ledger.balance(h.app.repos.users.findByIdentity("telegram", id)!.id);
const adminActor = (h: Harness) => `telegram:${h.app.repos.users.findByIdentity("telegram", "9000")!.public_id}`;
const auditOf = (h: Harness, action: string) =>
  (h.app.db.prepare("SELECT actor, details FROM audit WHERE action = ? ORDER BY id").all(action) as { actor: string; details: string }[]).map((r) => ({
    actor: r.actor,
    details: JSON.parse(r.details) as Record<string, unknown>,
  }));

describe("dashboard actions", () => {
  it("settling a needs-review payment as failed: a confirmation page, then the chat's /resolve path — one refund, the payer told, audited with the admin's identity", async ({
    bot,
  }) => {
    const h = await bot(HTTPS);
    const ref = await needsReview(h, "8001", "8801234565555");
    const c = await signedIn(h);
    const before = balanceOf(h, "8001");
    const total = h.app.repos.transactions.get(ref)!.total!;

    const confirm = await c.get(`/admin/queue/${ref}/resolve?verdict=failed`);
    expect(confirm.status).toBe(200);
    const page = await confirm.text();
    expect(page).toContain(`Rp${total.toLocaleString("id-ID")} dikembalikan`);
    expect(page).toContain('name="csrf"');
    expect(h.app.repos.transactions.get(ref)!.status).toBe("needs_review"); // the page changed nothing

    const res = await c.post(`/admin/queue/${ref}/resolve`, { csrf: await c.csrf(), verdict: "failed" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/admin/queue?done=resolved&subject=${ref}`);
    await h.settle();
    expect(h.app.repos.transactions.get(ref)!.status).toBe("failed");
    expect(h.app.repos.transactions.get(ref)!.settled_by).toBe(`admin:${adminActor(h)}`);
    expect(balanceOf(h, "8001")).toBe(before + total);
    expect(h.payer("8001").lastText()).toContain("gagal");
    expect(auditOf(h, "resolve")).toEqual([{ actor: adminActor(h), details: { ref, verdict: "failed", applied: true, via: "dashboard" } }]);
    expect(await (await c.get(`/admin/queue?done=resolved&subject=${ref}`)).text()).toContain(`${ref} sudah diselesaikan`);

    // Replayed (a double click, a back button): nothing more. The chat's /resolve agrees.
    const again = await c.post(`/admin/queue/${ref}/resolve`, { csrf: await c.csrf(), verdict: "paid" });
    expect(again.headers.get("location")).toBe(`/admin/queue?done=not_open&subject=${ref}`);
    expect(await h.payer("9000").say(`/resolve ${ref} paid`)).toContain("tidak sedang menunggu");
    expect(balanceOf(h, "8001")).toBe(before + total);
    expect(checkInvariants(h.app)).toEqual([]);
  });

  it("settling as paid sends the payer the receipt, charges nothing more", async ({ bot }) => {
    const h = await bot(HTTPS);
    const ref = await needsReview(h, "8001", "8801234565555");
    const c = await signedIn(h);
    const before = balanceOf(h, "8001");
    const res = await c.post(`/admin/queue/${ref}/resolve`, { csrf: await c.csrf(), verdict: "paid" });
    expect(res.headers.get("location")).toBe(`/admin/queue?done=resolved&subject=${ref}`);
    await h.settle();
    expect(h.app.repos.transactions.get(ref)!.status).toBe("paid");
    expect(balanceOf(h, "8001")).toBe(before);
    expect(h.payer("8001").lastText()).toContain("struk");
    expect(checkInvariants(h.app)).toEqual([]);
  });

  it("the in-flight guard holds for the dashboard too; a pending payment is the reconciler's; junk verdicts change nothing", async ({ bot }) => {
    const h = await bot(HTTPS);
    const c = await signedIn(h);
    const ref = await needsReview(h, "8001", "8801234565555");
    // Pretend the pay request only just left: a verdict now could refund a payment the provider is making.
    h.app.db.prepare("UPDATE transactions SET pay_started_at = ? WHERE ref = ?").run(h.clock.now(), ref);
    const res = await c.post(`/admin/queue/${ref}/resolve`, { csrf: await c.csrf(), verdict: "failed" });
    expect(res.headers.get("location")).toBe(`/admin/queue?done=in_flight&subject=${ref}`);
    expect(h.app.repos.transactions.get(ref)!.status).toBe("needs_review");

    h.app.db.prepare("UPDATE transactions SET status = 'pending', pay_started_at = 0 WHERE ref = ?").run(ref);
    const pending = await c.post(`/admin/queue/${ref}/resolve`, { csrf: await c.csrf(), verdict: "failed" });
    expect(pending.headers.get("location")).toBe(`/admin/queue?done=not_open&subject=${ref}`);
    expect(h.app.repos.transactions.get(ref)!.status).toBe("pending");

    for (const verdict of ["", "PAID ", "refund", "paid;failed"]) {
      expect((await c.post(`/admin/queue/${ref}/resolve`, { csrf: await c.csrf(), verdict })).status, verdict).toBe(404);
    }
    expect((await c.post("/admin/queue/LK0000000000ZZ/resolve", { csrf: await c.csrf(), verdict: "paid" })).headers.get("location")).toContain("not_open");
    expect((await c.post("/admin/queue/nonsense/resolve", { csrf: await c.csrf(), verdict: "paid" })).status).toBe(404);
    expect(auditOf(h, "resolve")).toEqual([]);
  });

  it("approving an /isi request: the chat's rule (a box to tick above TOPUP_CONFIRM_ABOVE), credited once, the chat's button then finds it decided", async ({
    bot,
  }) => {
    const h = await bot({ ...HTTPS, TOPUP_CONFIRM_ABOVE: "100000" });
    const c = await signedIn(h);
    await h.payer("8001").say("/isi 5jt");
    const id = (h.app.db.prepare("SELECT id FROM topup_requests").get() as { id: number }).id;
    const before = balanceOf(h, "8001");

    const confirm = await (await c.get(`/admin/requests/${id}/approve`)).text();
    expect(confirm).toContain("Rp5.000.000");
    expect(confirm).toContain('name="large" value="yes" required');

    // Without the box ticked (a hand-made form): refused, nothing credited.
    const unticked = await c.post(`/admin/requests/${id}/approve`, { csrf: await c.csrf() });
    expect(unticked.headers.get("location")).toBe(`/admin/queue?done=confirm_large&subject=${id}`);
    expect(balanceOf(h, "8001")).toBe(before);

    const res = await c.post(`/admin/requests/${id}/approve`, { csrf: await c.csrf(), large: "yes" });
    expect(res.headers.get("location")).toBe(`/admin/queue?done=credited&subject=${id}`);
    await h.settle();
    expect(balanceOf(h, "8001")).toBe(before + 5_000_000);
    expect(h.payer("8001").lastText()).toContain("Rp5.000.000");
    expect(h.app.db.prepare("SELECT status, decided_by FROM topup_requests").get()).toEqual({ status: "approved", decided_by: adminActor(h) });
    expect(auditOf(h, "topup")).toEqual([
      { actor: adminActor(h), details: { user: expect.any(String), amount: 5_000_000, note: `request #${id}`, via: "dashboard" } },
    ]);

    // Twice (another tab, another admin): decided already. The chat's button says the same.
    const twice = await c.post(`/admin/requests/${id}/approve`, { csrf: await c.csrf(), large: "yes" });
    expect(twice.headers.get("location")).toBe(`/admin/queue?done=already_decided&subject=${id}`);
    const notice = h.sent.find((s) => s.address === "9000" && s.message.choices?.flat().some((ch) => ch.id.startsWith("topup:approve:")))!;
    const button = notice.message.choices!.flat().find((ch) => ch.id.startsWith("topup:approve:"))!;
    expect(await h.payer("9000").tap(button.id)).toContain("sudah diputuskan");
    expect(balanceOf(h, "8001")).toBe(before + 5_000_000);
    expect(checkInvariants(h.app)).toEqual([]);
  });

  it("below the limit no box is asked; rejecting tells the payer and credits nothing; unknown requests are 404", async ({ bot }) => {
    const h = await bot(HTTPS);
    const c = await signedIn(h);
    await h.payer("8001").say("/isi 50000");
    await h.payer("8002").say("/isi 75000");
    const [a, b] = (h.app.db.prepare("SELECT id FROM topup_requests ORDER BY id").all() as { id: number }[]).map((r) => r.id);
    expect(await (await c.get(`/admin/requests/${a}/approve`)).text()).not.toContain('name="large"');
    expect((await c.post(`/admin/requests/${a}/approve`, { csrf: await c.csrf() })).headers.get("location")).toContain("done=credited");
    const before = balanceOf(h, "8002");
    expect(await (await c.get(`/admin/requests/${b}/reject`)).text()).toContain("Tolak permintaan");
    expect((await c.post(`/admin/requests/${b}/reject`, { csrf: await c.csrf() })).headers.get("location")).toBe(`/admin/queue?done=rejected&subject=${b}`);
    await h.settle();
    expect(balanceOf(h, "8002")).toBe(before);
    expect(h.payer("8002").lastText()).toContain("ditolak");
    expect(auditOf(h, "topup_request_rejected")).toEqual([{ actor: adminActor(h), details: { request: b, via: "dashboard" } }]);
    expect((await c.post(`/admin/requests/${b}/approve`, { csrf: await c.csrf() })).headers.get("location")).toContain("already_decided");
    expect((await c.get("/admin/requests/999/approve")).status).toBe(404);
    expect((await c.post("/admin/requests/999/reject", { csrf: await c.csrf() })).headers.get("location")).toContain("done=not_found");
    expect((await c.get("/admin/requests/-1/approve")).status).toBe(404);
    expect((await c.post("/admin/requests/abc/approve", { csrf: await c.csrf() })).status).toBe(404);
  });

  it("an action without the CSRF token changes nothing", async ({ bot }) => {
    const h = await bot(HTTPS);
    const c = await signedIn(h);
    const ref = await needsReview(h, "8001", "8801234565555");
    await h.payer("8002").say("/isi 50000");
    const id = (h.app.db.prepare("SELECT id FROM topup_requests").get() as { id: number }).id;
    expect((await c.post(`/admin/queue/${ref}/resolve`, { verdict: "failed" })).status).toBe(403);
    expect((await c.post(`/admin/requests/${id}/approve`, { csrf: "forged" })).status).toBe(403);
    expect((await c.post(`/admin/requests/${id}/approve`, { csrf: await c.csrf() }, { origin: "https://evil.example" })).status).toBe(403);
    expect(h.app.repos.transactions.get(ref)!.status).toBe("needs_review");
    expect(h.app.db.prepare("SELECT status FROM topup_requests").get()).toEqual({ status: "pending" });
  });

  it("an inquired bill (not a payment) offers no verdict", async ({ bot }) => {
    const h = await bot(HTTPS);
    const c = await signedIn(h);
    const ref = await inquire(h, "8001", "bpjs-kesehatan", "8801234560000");
    const page = await (await c.get(`/admin/queue/${ref}/resolve?verdict=paid`)).text();
    expect(page).not.toContain('<form method="post" action="/admin/queue/');
    expect(page).toContain("tidak (lagi) menunggu");
  });
});
