import { formatRupiah } from "../domain/money.ts";
import { createBook } from "../gateway/simulator/book.ts";
import { gatewaySimulatorDbPath } from "../gateway/simulator/client.ts";
import { payOutcome, type PayOutcome } from "../gateway/simulator/controls.ts";
import { simSettings } from "../gateway/simulator/settings.ts";
import { NotAGatewaySimFileError, openGatewaySimStore, type GatewaySimStore } from "../gateway/simulator/store.ts";
import type { FlagSpec, ParsedArgs } from "./args.ts";
import { loadConfig, type CliContext } from "./context.ts";
import { EXIT_OK, EXIT_USAGE, UsageError } from "./errors.ts";

export const GATEWAY_FLAGS: FlagSpec = { values: ["db"], booleans: ["json", "late", "help"] };
export const GATEWAY_USAGE = "gateway pay <order> [--late] [--db <file>] [--json]";

/** The simulator's file: --db, else the one the bot keeps beside DATABASE_PATH when GATEWAY=simulator. */
function simulatorFile(ctx: CliContext, args: ParsedArgs): { path: string } | { refused: string } {
  const given = args.values.get("db");
  if (given !== undefined) return { path: given };
  const gateway = loadConfig(ctx).gateway.kind;
  if (gateway !== "simulator") {
    return {
      refused: `GATEWAY is ${gateway}: \`gateway pay\` drives only the gateway simulator (with --db <file> for a standalone one); a real order is paid by its payer`,
    };
  }
  const databasePath = loadConfig(ctx).databasePath;
  if (databasePath === ":memory:") return { refused: "DATABASE_PATH is :memory:, so the gateway simulator has no file to reach; pass --db <file>" };
  return { path: gatewaySimulatorDbPath(databasePath) };
}

function print(ctx: CliContext, line: string, json: Record<string, unknown>): void {
  ctx.io.stdout.write(ctx.json ? `${JSON.stringify(json)}\n` : `${line}\n`);
}

const NOT_PENDING: Readonly<Record<string, string>> = {
  settlement: "is already paid",
  expire: "has expired (add --late to pay it anyway, as a payer holding an old QR could)",
  cancel: "was cancelled",
  deny: "was denied",
};

/**
 * `gateway pay <order>`: the simulated payer pays an order now. The change and its signed
 * notification are written into the simulator's own file in one transaction; the running
 * simulator (in the bot, or standalone) delivers the notification on its next pass, and the
 * status API answers "settlement" at once (docs/gateway.md#simulator-controls).
 */
export async function runGateway(ctx: CliContext, args: ParsedArgs): Promise<number> {
  const [sub, order, ...extra] = args.positionals;
  if (sub !== "pay" || order === undefined || extra.length > 0) throw new UsageError(`usage: ${GATEWAY_USAGE}`);
  if (!/^[A-Za-z0-9\-_~.]{1,64}$/.test(order)) throw new UsageError(`"${order}" is not a gateway order id or transaction id`);

  const refuse = (message: string, json: Record<string, unknown>): number => {
    ctx.io.stderr.write(`Refused: ${message}\n`);
    if (ctx.json) ctx.io.stdout.write(`${JSON.stringify({ order, status: "rejected", ...json })}\n`);
    return EXIT_USAGE;
  };

  const file = simulatorFile(ctx, args);
  if ("refused" in file) return refuse(file.refused, { reason: "not_simulator" });
  let store: GatewaySimStore;
  try {
    store = openGatewaySimStore(file.path, { existing: true });
  } catch (err) {
    if (err instanceof NotAGatewaySimFileError)
      return refuse(`${err.message} (has the bot or \`npm run simulator\` run with the gateway simulator?)`, { reason: "no_simulator_file" });
    throw err;
  }
  let result: PayOutcome;
  try {
    const settings = simSettings(store);
    const book = createBook({ store, now: ctx.options.now ?? Date.now, serverKey: settings.serverKey(), payAfterMs: () => settings.payAfterMs() });
    result = payOutcome(book.payNow(order, { late: args.booleans.has("late") }));
  } finally {
    store.close();
  }

  switch (result.outcome) {
    case "not_found":
      return refuse(`no order ${order} in the gateway simulator (${file.path})`, { reason: "not_found" });
    case "not_pending":
      return refuse(`order ${result.order.orderId} ${NOT_PENDING[result.order.status] ?? `is ${result.order.status}`}`, {
        reason: "not_pending",
        state: result.order.status,
      });
    case "paid": {
      const o = result.order;
      const where =
        o.notifyUrls.length === 0
          ? "No notification URL was given for it: the bot learns of the payment from the status API."
          : `Its notification goes to ${o.notifyUrls.join(", ")} with the running simulator's next pass.`;
      print(ctx, `Paid order ${o.orderId} (${formatRupiah(o.amount)}, ${o.method}) in the gateway simulator. ${where}`, {
        order: o.orderId,
        status: "paid",
        transactionId: o.transactionId,
        amount: o.amount,
        method: o.method,
        notifyUrls: o.notifyUrls,
      });
      return EXIT_OK;
    }
  }
}
