import type { FlagSpec, ParsedArgs } from "./args.ts";
import { loadConfig, withApp, type CliContext } from "./context.ts";
import { EXIT_OK, EXIT_USAGE } from "./errors.ts";
import { readRef } from "./refs.ts";
import { paymentVerdict, printReport, reasonLine, reportOf } from "./report.ts";

export const STATUS_FLAGS: FlagSpec = { values: [], booleans: ["json", "help"] };
export const STATUS_USAGE = "status <ref> [--json]";

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
        // The reconciler's own decision for this row only: a status look-up settles nobody else's payment.
        await app.reconciler.checkNow(found.ref);
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
