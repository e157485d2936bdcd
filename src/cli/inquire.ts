import { formatRupiah } from "../domain/money.ts";
import { checkCustomerNumber, isProductId, PRODUCT_IDS, PRODUCTS, type NumberCheck, type ProductId } from "../domain/products.ts";
import type { FlagSpec, ParsedArgs } from "./args.ts";
import { loadConfig, withApp, type CliContext } from "./context.ts";
import { EXIT_OK, EXIT_USAGE, UsageError } from "./errors.ts";
import { inquiryVerdict, printReport, reasonLine, reportOf } from "./report.ts";

export const INQUIRE_FLAGS: FlagSpec = { values: ["months"], booleans: ["json", "help"] };
export const INQUIRE_USAGE = "inquire <product> <number> [--months N] [--json]";

const MAX_MONTHS = 12;

interface InquiryRequest {
  product: ProductId;
  number: string;
  months: number | null;
}

function numberProblem(product: ProductId, raw: string, check: Exclude<NumberCheck, { ok: true }>): string {
  const { minDigits, maxDigits } = PRODUCTS[product];
  const digits = raw.replace(/[\s-]/g, "");
  const rule = minDigits === maxDigits ? `exactly ${minDigits} digits` : `${minDigits} to ${maxDigits} digits`;
  switch (check.problem) {
    case "not_digits":
      return `the number "${raw}" must be digits only (spaces and dashes are ignored)`;
    case "wrong_length":
    case "too_short":
    case "too_long":
      return `${product} needs a number of ${rule}; "${raw}" has ${digits.length}`;
  }
}

/** Everything is checked here, before any provider (or even the database) is touched. */
export function readInquiry(args: ParsedArgs): InquiryRequest {
  const [productArg, numberArg, ...extra] = args.positionals;
  if (productArg === undefined || numberArg === undefined || extra.length > 0) throw new UsageError(`usage: ${INQUIRE_USAGE}`);
  if (!isProductId(productArg)) throw new UsageError(`unknown product "${productArg}"; one of ${PRODUCT_IDS.join(", ")}`);
  const product = productArg;
  const check = checkCustomerNumber(product, numberArg);
  if (!check.ok) throw new UsageError(numberProblem(product, numberArg, check));
  const monthsArg = args.values.get("months");
  if (PRODUCTS[product].monthChoices === null) {
    if (monthsArg !== undefined) throw new UsageError(`${product} has no months; leave out --months`);
    return { product, number: check.number, months: null };
  }
  if (monthsArg === undefined) return { product, number: check.number, months: 1 };
  const months = /^\d{1,2}$/.test(monthsArg) ? Number(monthsArg) : NaN;
  if (!(months >= 1 && months <= MAX_MONTHS)) throw new UsageError(`--months must be a whole number from 1 to ${MAX_MONTHS}`);
  return { product, number: check.number, months };
}

/**
 * Checks a bill for the operator's own account (user_id NULL): recorded like any inquiry, so it can
 * be paid with `pay <ref>` within its validity, and shows in /tx, /stats and backups.
 */
export async function runInquire(ctx: CliContext, args: ParsedArgs): Promise<number> {
  const req = readInquiry(args);
  const config = loadConfig(ctx);
  return withApp(ctx, config, async (app) => {
    const { payments, repos, commits } = app;
    // No new inquiry while a payment of the same bill is open, whoever started it.
    const started = await commits.run(() => {
      const open = repos.transactions.openForBill(req.product, req.number);
      if (open) return { kind: "open", open } as const;
      return { kind: "started", ref: payments.beginInquiry({ userId: null, product: req.product, number: req.number, months: req.months }) } as const;
    });
    if (started.kind === "open") {
      const open = started.open;
      ctx.io.stderr.write(`Refused: payment ${open.ref} of this bill is still open (${open.status}); see: status ${open.ref}\n`);
      if (ctx.json) printReport(ctx, { ...reportOf(open, { status: "rejected", reason: "open_payment" }, null), openRef: open.ref }, undefined, "");
      return EXIT_USAGE;
    }
    const ref = started.ref;
    // The chat's own call: providers asked, the answer recorded (a provider that throws reads as unavailable).
    const tx = await payments.inquire(ref);
    const verdict = inquiryVerdict(tx);
    const report = reportOf(tx, verdict);
    if (verdict.status === "success") {
      printReport(ctx, report, tx, `Inquiry ${ref}: bill found, total ${formatRupiah(tx.total ?? 0)}`, [`Pay it with: npm run cli -- pay ${ref}`]);
    } else if (verdict.status === "rejected") {
      printReport(ctx, report, tx, `Inquiry ${ref}: no payable bill: ${reasonLine(verdict, tx)}`);
    } else {
      printReport(ctx, report, tx, `Inquiry ${ref}: state ${tx.status}`);
    }
    return EXIT_OK;
  });
}
