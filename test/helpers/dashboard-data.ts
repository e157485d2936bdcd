import type { Db } from "../../src/db/open.ts";
import { crashAfterConfirm, type Harness } from "./app-harness.ts";

/** A payer's bill inquired and on screen (status `inquired`): its ref. */
export async function inquire(h: Harness, payerId: string, product: "bpjs-kesehatan" | "bpjs-ketenagakerjaan", number: string): Promise<string> {
  const payer = h.payer(payerId);
  await payer.say("/start");
  await payer.tap(`product:${product}`);
  await payer.say(number);
  await payer.tap("months:1");
  const pay = payer
    .last()
    .choices?.flat()
    .find((c) => c.id.startsWith("pay:"));
  if (!pay) throw new Error(`no bill for ${number}: ${payer.lastText()}`);
  return pay.id.slice(4);
}

/** A payment the bot could not settle by itself (status `needs_review`, the hold taken), its pay request long over. */
export async function needsReview(h: Harness, payerId: string, number: string): Promise<string> {
  const ref = await inquire(h, payerId, "bpjs-kesehatan", number);
  const user = h.app.repos.users.findByIdentity("telegram", payerId)!;
  crashAfterConfirm(h.app, ref, user.id);
  await h.app.commits.run(() => h.app.payments.markNeedsReview(ref, "no_status_key"));
  await h.settle();
  const tx = h.app.repos.transactions.get(ref)!;
  h.clock.set(Math.max(h.clock.now(), (tx.pay_started_at ?? 0) + (tx.pay_timeout_ms ?? 0) + 60_000 + 1));
  return ref;
}

/**
 * `count` paid payer transactions written straight into the table (for the 100,000-row figures):
 * spread over the `days` WIB days before `now`, half of them BPJS Ketenagakerjaan (masked NIKs).
 */
export function bulkPaid(db: Db, count: number, now: number, days = 30): { userId: number } {
  const userId = Number(
    db.prepare("INSERT INTO users (public_id, platform, address, created_at, last_seen_at) VALUES ('UBULK001', 'telegram', '77', ?, ?)").run(now, now)
      .lastInsertRowid,
  );
  const insert = db.prepare(
    `INSERT INTO transactions (ref, user_id, account, product, customer_number, months, provider, status, name, period, bill_amount, admin_fee,
       price, fee, total, paid_price, provider_ref, settled_by, created_at, settled_at, updated_at)
     VALUES (?, ?, 'payer', ?, ?, 1, 'simulator', 'paid', 'BUDI SANTOSO', '1 bulan', 150000, 2500, 152500, 1000, 153500, 152500, ?, 'pay', ?, ?, ?)`,
  );
  const span = days * 86_400_000;
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const at = now - Math.floor((i / count) * span) - 1;
      const kesehatan = i % 2 === 0;
      const ref = `LK${String(i).padStart(12, "0")}`;
      const number = kesehatan ? `88012345${String(i).padStart(5, "0")}` : `810205101127${String(i % 10_000).padStart(4, "0")}`;
      insert.run(ref, userId, kesehatan ? "bpjs-kesehatan" : "bpjs-ketenagakerjaan", number, `BR${i}`, at, at + 1000, at + 1000);
    }
  })();
  return { userId };
}
