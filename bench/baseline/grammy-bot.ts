/**
 * The baseline of `npm run bench`: the pay flow written the way a grammY user would write it
 * first — `bot.start()` (sequential long polling), state and balances in memory, ctx.reply and
 * editMessageText, the same IAK client against the same fake provider. No database, no inbox, no
 * outbox, no exactly-once: what Loket is compared with, not a model to follow.
 *
 * Environment: BOT_TOKEN, API_ROOT, IAK_BASE_URL, IAK_USERNAME, IAK_API_KEY.
 */
import { Bot, InlineKeyboard } from "grammy";
import { createIakClient } from "../../src/providers/iak/client.ts";

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is required`);
  return value;
};

const iak = createIakClient({ baseUrl: env("IAK_BASE_URL"), username: env("IAK_USERNAME"), apiKey: env("IAK_API_KEY") });
const bot = new Bot(env("BOT_TOKEN"), { client: { apiRoot: env("API_ROOT") } });

interface Session {
  step: "menu" | "number" | "months" | "confirm";
  number?: string;
  bill?: { ref: string; payToken: string; total: number; months: number };
}
const sessions = new Map<number, Session>();
const balances = new Map<number, number>();
const rp = (n: number) => `Rp${n.toLocaleString("id-ID")}`;
let refs = 0;

bot.command("start", async (ctx) => {
  sessions.set(ctx.from!.id, { step: "menu" });
  await ctx.reply("Halo! Pilih tagihan:", { reply_markup: new InlineKeyboard().text("BPJS Kesehatan", "product:bpjs-kesehatan") });
});

bot.callbackQuery("product:bpjs-kesehatan", async (ctx) => {
  await ctx.answerCallbackQuery();
  sessions.set(ctx.from.id, { step: "number" });
  await ctx.reply("Ketik nomor peserta BPJS Kesehatan:");
});

bot.on("message:text", async (ctx) => {
  const session = sessions.get(ctx.from.id);
  if (session?.step !== "number") return;
  const number = ctx.message.text.replace(/\D/g, "");
  if (number.length < 10 || number.length > 16) return void (await ctx.reply("Nomor tidak valid."));
  sessions.set(ctx.from.id, { step: "months", number });
  await ctx.reply("Bayar untuk berapa bulan?", { reply_markup: new InlineKeyboard().text("1 bulan", "months:1").text("2 bulan", "months:2") });
});

bot.callbackQuery(/^months:(\d+)$/, async (ctx) => {
  await ctx.answerCallbackQuery();
  const session = sessions.get(ctx.from.id);
  if (session?.step !== "months" || session.number === undefined) return;
  const months = Number(ctx.match[1]);
  await ctx.reply("Sedang mengecek tagihan…");
  const ref = `BL${Date.now().toString(36).toUpperCase()}${(++refs).toString(36).toUpperCase()}`.slice(0, 20);
  const answer = await iak.inquire({ ref, product: "bpjs-kesehatan", customerNumber: session.number, months });
  if (answer.status !== "success") return void (await ctx.reply("Tagihan tidak bisa ditampilkan."));
  const total = answer.bill.price;
  sessions.set(ctx.from.id, { ...session, step: "confirm", bill: { ref, payToken: answer.bill.payToken, total, months } });
  await ctx.reply(`Tagihan BPJS Kesehatan\nNama: ${answer.bill.name}\nTotal: ${rp(total)}`, {
    reply_markup: new InlineKeyboard().text(`Bayar ${rp(total)}`, `pay:${ref}`).text("Batal", "cancel"),
  });
});

bot.callbackQuery(/^pay:(.+)$/, async (ctx) => {
  await ctx.answerCallbackQuery();
  const session = sessions.get(ctx.from.id);
  const bill = session?.bill;
  if (session?.step !== "confirm" || bill === undefined || bill.ref !== ctx.match[1]) return;
  const balance = balances.get(ctx.from.id) ?? 50_000_000;
  if (balance < bill.total) return void (await ctx.reply("Saldo tidak cukup."));
  balances.set(ctx.from.id, balance - bill.total);
  sessions.set(ctx.from.id, { step: "menu" });
  await ctx.editMessageText("Pembayaran sedang diproses…");
  const paid = await iak.pay({ ref: bill.ref, product: "bpjs-kesehatan", customerNumber: session.number!, months: bill.months, payToken: bill.payToken });
  await ctx.editMessageText(paid.status === "success" ? `✅ Pembayaran berhasil\nRef: ${bill.ref}\nTotal: ${rp(bill.total)}` : "Pembayaran belum berhasil.");
});

process.on("SIGTERM", () => void bot.stop().then(() => process.exit(0)));
await bot.start({ onStart: () => console.log("baseline bot polling") });
