import type { App } from "../app.ts";
import type { Repos } from "../db/repos.ts";
import type { TxRow } from "../db/transactions-repo.ts";
import { createReconciler } from "../domain/reconciler.ts";
import type { FlagSpec, ParsedArgs } from "./args.ts";
import { loadConfig, withApp, type CliContext } from "./context.ts";
import { EXIT_OK, EXIT_USAGE } from "./errors.ts";
import { readRef } from "./refs.ts";
import { paymentVerdict, printReport, reasonLine, reportOf } from "./report.ts";

export const STATUS_FLAGS: FlagSpec = { values: [], booleans: ["json", "help"] };
export const STATUS_USAGE = "status <ref> [--json]";

/**
 * Asks the provider about one pending payment, now, through the reconciler's own code (status
 * call, "never received" grace, 24 h review, backoff, settle): a reconciler whose view of "due"
 * is just this row, so a status look-up never settles other payers' payments as a side effect.
 */
async function checkOnce(app: App, tx: TxRow, now: () => number): Promise<void> {
  const onlyThis: Repos = {
    ...app.repos,
    transactions: {
      ...app.repos.transactions,
      due: () => {
        const row = app.repos.transactions.get(tx.ref);
        return row?.status === "pending" ? [row] : [];
      },
    },
  };
  const reconciler = createReconciler({ repos: onlyThis, router: app.router, payments: app.payments, now, log: app.log });
  await reconciler.runDue();
}

export async function runStatus(ctx: CliContext, args: ParsedArgs): Promise<number> {
  const ref = readRef(args.positionals, STATUS_USAGE);
  const config = loadConfig(ctx);
  return withApp(ctx, config, async (app) => {
    const found = app.repos.transactions.get(ref);
    if (!found) {
      ctx.io.stderr.write(`No transaction ${ref} in this database.\n`);
      if (ctx.json) printReport(ctx, reportOf(undefined, { status: "rejected", reason: "not_found" }, ref), undefined, "");
      return EXIT_USAGE;
    }
    const notes: string[] = [];
    if (found.status === "pending") {
      if (app.router.get(found.provider ?? "") === undefined) {
        // The reconciler would send the row to review for an unconfigured provider: this CLI's
        // configuration may simply differ from the bot's, so it must not judge.
        notes.push(`Provider ${found.provider ?? "-"} is not configured for this CLI; not asked.`);
      } else {
        await checkOnce(app, found, ctx.options.now ?? Date.now);
      }
    }
    const tx = app.repos.transactions.get(ref) ?? found;
    const verdict = paymentVerdict(tx);
    const owner = tx.user_id === null ? "operator" : (app.repos.users.findById(tx.user_id)?.public_id ?? `user ${tx.user_id}`);
    const what = verdict.status === "rejected" ? `failed: ${reasonLine(verdict, tx)}` : tx.status;
    printReport(ctx, reportOf(tx, verdict), tx, `${ref} (${owner}): ${what}`, notes);
    if (ctx.json) for (const note of notes) ctx.io.stderr.write(`${note}\n`);
    return EXIT_OK;
  });
}
