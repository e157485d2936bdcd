import type { TxRow } from "../db/transactions-repo.ts";
import type { PayRefusal } from "../domain/payments/payment-service.ts";
import type { FlagSpec, ParsedArgs } from "./args.ts";
import { loadConfig, withApp, type CliContext } from "./context.ts";
import { EXIT_OK, EXIT_USAGE } from "./errors.ts";
import { readRef } from "./refs.ts";
import { paymentVerdict, printReport, reasonLine, reportOf } from "./report.ts";

export const PAY_FLAGS: FlagSpec = { values: [], booleans: ["json", "force", "help"] };
export const PAY_USAGE = "pay <ref> [--force] [--json]";

type Refusal = PayRefusal | "not_operator" | "provider_not_configured";

/** The CLI pays from the operator's deposit only what it inquired itself: never a payer's bill. */
function refusalBeforeConfirm(tx: TxRow | undefined): Refusal | null {
  if (tx === undefined) return "not_found";
  if (tx.account !== "operator" || tx.user_id !== null) return "not_operator";
  switch (tx.status) {
    case "inquired":
      return null;
    case "paid":
      return "already_paid";
    case "paying":
    case "pending":
    case "needs_review":
      return "in_progress";
    case "failed":
      return "settled";
    case "expired":
      return "expired";
    default:
      return "not_payable";
  }
}

function refusalText(ref: string, why: Refusal, tx: TxRow | undefined): string {
  switch (why) {
    case "not_found":
      return `no transaction ${ref} in this database`;
    case "not_operator":
      return `${ref} is a payer's transaction; the CLI pays only inquiries it made itself`;
    case "already_paid":
      return `${ref} is already paid`;
    case "in_progress":
      return `${ref} is already being paid (${tx?.status ?? "pending"}); see: status ${ref}`;
    case "settled":
      return `${ref} already failed and was settled; make a new inquiry`;
    case "expired":
      return `the inquiry ${ref} has expired; make a new inquiry`;
    case "open_payment":
      return `another payment of the same bill is open${tx ? ` (${tx.ref})` : ""}`;
    case "insufficient":
      return `${ref}: not enough balance`;
    case "provider_not_configured":
      return `${ref} was inquired through ${tx?.provider ?? "-"}, which PROVIDERS does not list here; pay goes to the provider that made the inquiry`;
    case "not_payable":
      return `${ref} cannot be paid (state ${tx?.status ?? "unknown"})`;
    case "paid_today":
      return `this bill was already paid today (${tx?.ref ?? "-"}); to pay it again, add --force`;
  }
}

/**
 * Pays one operator inquiry through the money service's one sequence, as the chat does: the confirm
 * (compare-and-set inquired → paying plus the operator_payment ledger row) committed durably before
 * the one and only pay request leaves, the outcome recorded. A bill already paid today is refused
 * unless --force (the chat asks instead; a command line cannot).
 */
export async function runPay(ctx: CliContext, args: ParsedArgs): Promise<number> {
  const ref = readRef(args.positionals, PAY_USAGE);
  const config = loadConfig(ctx);
  return withApp(ctx, config, async (app) => {
    const { repos, payments } = app;
    const refuse = (why: Refusal, tx: TxRow | undefined): number => {
      ctx.io.stderr.write(`Refused: ${refusalText(ref, why, tx)}\n`);
      if (ctx.json) printReport(ctx, reportOf(repos.transactions.get(ref), { status: "rejected", reason: why }, ref), undefined, "");
      return EXIT_USAGE;
    };

    const row = repos.transactions.get(ref);
    const early = refusalBeforeConfirm(row);
    if (early !== null) return refuse(early, row);
    if (app.router.get(row?.provider ?? "") === undefined) return refuse("provider_not_configured", row);
    // The confirm re-checks everything inside its commit, so a bot or a second CLI racing for the
    // same row still yields one pay call.
    const result = await payments.pay(ref, { userId: null, actor: "cli", again: args.booleans.has("force") });
    if (result.kind === "refused") return refuse(result.why, result.tx);
    const tx = result.tx;
    const verdict = paymentVerdict(tx);
    switch (verdict.status) {
      case "success":
        printReport(ctx, reportOf(tx, verdict), tx, `Paid ${ref}.`);
        break;
      case "rejected":
        printReport(ctx, reportOf(tx, verdict), tx, `Payment ${ref} failed: ${reasonLine(verdict, tx)}; the operator ledger was refunded.`);
        break;
      default: {
        const why = tx.status === "needs_review" ? `needs review (${tx.review_reason ?? "no status key"})` : "is pending: the provider has not said yet";
        printReport(ctx, reportOf(tx, verdict), tx, `Payment ${ref} ${why}.`, [
          `Ask again with: npm run cli -- status ${ref} (a running bot's reconciler also follows it up)`,
        ]);
      }
    }
    return EXIT_OK;
  });
}
