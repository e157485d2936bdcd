import { isLocale, type Locale } from "../../i18n.ts";
import { fitPlain } from "../fit-text.ts";
import { formatRupiah, readRupiah } from "../money.ts";
import { ambiguousAmountText } from "../amount-hint.ts";
import { looksLikeRef } from "../ref.ts";
import { displayNumber, productLabel, receiptText, txLine } from "../render.ts";
import type { PayerCommand } from "./commands.ts";
import type { ConversationContext } from "./context.ts";
import { choiceIds } from "./choice-ids.ts";
import { cancelChoice, menuChoice, showMainMenu } from "./menus.ts";
import { cancelFlow } from "./pay-step.ts";
import { startTopup } from "./topup-steps.ts";
import type { Turn } from "./turn.ts";
import { reminderCommand, savedNumberReminderChoice } from "../reminders/settings-step.ts";

/** Payer commands (docs/conversation.md#commands). Each runs in any state and leaves the pay flow where it was unless it says otherwise. */
export function runPayerCommand(ctx: ConversationContext, turn: Turn, name: PayerCommand, args: string[]): void {
  const { t, repos } = ctx;
  const l = turn.locale;
  const menuButton = [menuChoice(ctx, turn)];
  switch (name) {
    case "menu":
      // "/start" greets; "menu" just shows the menu.
      showMainMenu(ctx, turn, turn.event?.text?.trim().toLowerCase().replace(/^\//, "").startsWith("start") === true);
      return;
    case "cancel":
      cancelFlow(ctx, turn);
      return;
    case "balance": {
      const balance = repos.ledger.balance(turn.user.id);
      const instructions = ctx.settings.topupInstructions ?? t(l, ctx.topups ? "topups.instructions" : "balance.default_instructions");
      const topup = ctx.topups ? [[{ id: choiceIds.topupStart(), label: t(l, "topups.start_button") }]] : [];
      turn.say(t(l, "balance.text", { balance: formatRupiah(balance), instructions, id: turn.user.public_id }), [...topup, menuButton]);
      return;
    }
    case "topup_request": {
      // With a gateway, money comes in without a person (docs/topups.md); without, an admin approves.
      if (ctx.topups) return startTopup(ctx, ctx.topups, turn, args);
      const reading = args.length > 0 ? readRupiah(args.join(" ")) : null;
      if (reading?.ok === false && reading.problem === "ambiguous") {
        turn.say(ambiguousAmountText(t, l, args.join(" ")));
        return;
      }
      const amount = reading?.ok === true ? reading.amount : null;
      if (amount === null || amount < 10_000 || amount > 100_000_000) {
        turn.say(t(l, "topup_request.usage"));
        return;
      }
      // One open request per payer: a flood of requests would page every admin.
      if (repos.topupRequests.pendingFor(turn.user.id)) {
        turn.say(t(l, "topup_request.already_pending"));
        return;
      }
      const id = repos.topupRequests.create(turn.user.id, amount, turn.now);
      ctx.notifier.toAdmins((al) => ({
        text: t(al, "topup_request.admin_notice", {
          user: turn.user.public_id,
          amount: formatRupiah(amount),
          name: fitPlain(turn.user.display_name ?? "-", 64),
          id,
        }),
        choices: [
          [
            { id: choiceIds.topupDecision(id, true), label: t(al, "topup_request.approve_button") },
            { id: choiceIds.topupDecision(id, false), label: t(al, "topup_request.reject_button") },
          ],
        ],
      }));
      turn.say(t(l, "topup_request.sent", { amount: formatRupiah(amount) }));
      return;
    }
    case "history": {
      const rows = repos.transactions.recentForUser(turn.user.id, 10);
      if (rows.length === 0) {
        turn.say(t(l, "history.empty"), [menuButton]);
        return;
      }
      turn.say([t(l, "history.title"), ...rows.map((r) => txLine(t, l, r))].join("\n"), [menuButton]);
      return;
    }
    case "status": {
      const tx = findOwnTx(ctx, turn, args[0]);
      if (!tx) {
        turn.say(t(l, "status.usage"));
        return;
      }
      turn.say(txLine(t, l, tx));
      return;
    }
    case "receipt": {
      const tx = args[0] === undefined ? repos.transactions.recentForUser(turn.user.id, 50).find((r) => r.status === "paid") : findOwnTx(ctx, turn, args[0]);
      if (!tx || tx.status !== "paid") {
        turn.say(t(l, tx ? "receipt.not_paid" : "receipt.usage", tx ? { line: txLine(t, l, tx) } : {}));
        return;
      }
      turn.say(receiptText(t, l, tx));
      return;
    }
    case "saved":
      showSavedNumbers(ctx, turn, 1);
      return;
    case "reminders":
      reminderCommand(ctx, turn, args);
      return;
    case "language": {
      const wanted = args[0]?.toLowerCase();
      if (wanted !== undefined && isLocale(wanted)) {
        setLanguage(ctx, turn, wanted);
        return;
      }
      turn.say(t(l, "language.choose"), [
        [
          { id: choiceIds.language("id"), label: "Bahasa Indonesia" },
          { id: choiceIds.language("en"), label: "English" },
        ],
      ]);
      return;
    }
    case "id":
      turn.say(
        t(l, "id.text", {
          id: turn.user.public_id,
          platformId: `${turn.user.platform === "telegram" ? "tg" : turn.user.platform === "whatsapp" ? "wa" : "console"}:${turn.event?.userId ?? ""}`,
        }),
      );
      return;
    case "opt_out":
      repos.users.setBroadcastOptOut(turn.user.id, true);
      turn.say(t(l, "broadcast.opted_out"));
      return;
    case "opt_in":
      repos.users.setBroadcastOptOut(turn.user.id, false);
      turn.say(t(l, "broadcast.opted_in"));
      return;
    case "erase":
      turn.say(t(l, "erase.confirm"), [[{ id: choiceIds.eraseConfirm(), label: t(l, "erase.confirm_button") }], [cancelChoice(ctx, turn)]]);
      return;
    case "help":
      turn.say(t(l, "help.text", { support: ctx.settings.supportContact ?? t(l, "help.default_support") }), [menuButton]);
      return;
  }
}

/** Saved numbers a page at a time, so sixty of them still make a message a phone can show. */
export const SAVED_PAGE_SIZE = 8;

export function showSavedNumbers(ctx: ConversationContext, turn: Turn, page: number): void {
  const { t, repos } = ctx;
  const l = turn.locale;
  const menuButton = menuChoice(ctx, turn);
  const saved = repos.savedNumbers.list(turn.user.id);
  if (saved.length === 0) {
    turn.say(t(l, "saved.empty"), [[menuButton]]);
    return;
  }
  const pages = Math.ceil(saved.length / SAVED_PAGE_SIZE);
  const current = Math.min(Math.max(1, page), pages);
  const shown = saved.slice((current - 1) * SAVED_PAGE_SIZE, current * SAVED_PAGE_SIZE);
  const lines = shown.map((s) => t(l, "saved.line", { label: s.label, product: productLabel(t, l, s.product), number: displayNumber(s.product, s.number) }));
  const title = pages > 1 ? t(l, "saved.title_paged", { page: current, pages }) : t(l, "saved.title");
  const choices = shown.map((s) => [
    { id: choiceIds.unsave(s.id), label: t(l, "saved.delete_button", { label: s.label, interpolation: { escapeValue: false } }) },
    ...[savedNumberReminderChoice(ctx, turn, s)].filter((c) => c !== null),
  ]);
  const paging = [
    ...(current > 1 ? [{ id: choiceIds.savedPage(current - 1), label: t(l, "saved.previous_page") }] : []),
    ...(current < pages ? [{ id: choiceIds.savedPage(current + 1), label: t(l, "saved.next_page") }] : []),
  ];
  turn.say([title, ...lines].join("\n"), [...choices, ...(paging.length > 0 ? [paging] : []), [menuButton]]);
}

export function setLanguage(ctx: ConversationContext, turn: Turn, locale: Locale): void {
  ctx.repos.users.setLocale(turn.user.id, locale);
  turn.locale = locale;
  turn.say(ctx.t(locale, "language.set"));
  showMainMenu(ctx, turn);
}

export function eraseMyData(ctx: ConversationContext, turn: Turn): void {
  const { repos } = ctx;
  repos.savedNumbers.removeAll(turn.user.id);
  const masked = repos.transactions.eraseForUser(turn.user.id, turn.now);
  repos.users.erase(turn.user.id, turn.now);
  repos.audit.record(turn.actor, "erase_personal_data", { user: turn.user.public_id, transactions: masked }, turn.now);
  turn.say(ctx.t(turn.locale, "erase.done"));
  showMainMenu(ctx, turn);
}

function findOwnTx(ctx: ConversationContext, turn: Turn, ref: string | undefined) {
  if (ref === undefined || !looksLikeRef(ref)) return undefined;
  const tx = ctx.repos.transactions.get(ref.toUpperCase());
  // Someone else's ref answers exactly like a ref that does not exist.
  return tx && tx.user_id === turn.user.id ? tx : undefined;
}
