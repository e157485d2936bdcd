import { z } from "zod";
import { iakBill } from "./bills.ts";
import { IAK_PRICELIST, PRODUCT_OF_IAK_CODE, isIakCode, isValidCustomerNumber } from "./catalog.ts";
import type { SimulatorCredentials } from "./credentials.ts";
import { iakMessage, type IakRc } from "./iak-codes.ts";
import { envelope, failureRc, inquiryFields, paymentFields, rcData, rowIdOfTrId, statusData, type IakData } from "./iak-responses.ts";
import { json, type Answer } from "./http-io.ts";
import type { PayBook } from "./pay-book.ts";
import { scenarioFor, type InquiryScenario } from "./scenarios.ts";
import { iakSign } from "./signatures.ts";
import type { SimStore } from "./store.ts";
import { readJson } from "../../shared/json.ts";

/** IAK postpaid: POST /api/v1/bill/check[/{type}], JSON in, `{data, meta}` out (docs/providers.md#iak-postpaid). */

export interface IakDeps {
  store: SimStore;
  book: PayBook;
  credentials: SimulatorCredentials["iak"];
  now: () => number;
}

const ENVELOPE = z.object({ commands: z.string(), username: z.string(), sign: z.string() });
const INQUIRY = z.object({
  ref_id: z.string(),
  code: z.string(),
  hp: z.string(),
  month: z.unknown().optional(),
});
// The docs type month as an integer but their examples send "2"; both are accepted.
const MONTH = z
  .union([
    z.number().int(),
    z
      .string()
      .regex(/^\d{1,2}$/)
      .transform(Number),
  ])
  .pipe(z.number().int().min(1).max(12));
// Likewise tr_id: integer in the tables, string in the examples.
const PAY = z.object({ tr_id: z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,15}$/)]) });
const STATUS = z.object({ ref_id: z.string() });
const PRICELIST = z.object({ status: z.string().optional() });

const REF_ID = /^[A-Za-z0-9]{1,64}$/;

const INQUIRY_RC: Readonly<Record<InquiryScenario, IakRc>> = {
  ok: "00",
  already_paid: "01",
  wrong_number: "14",
  timeout: "103",
};

function ok(data: IakData): Answer {
  return json(200, envelope(data));
}

/** IAK answers a malformed request with HTTP 400 and the details under data.error_details. */
function badRequest(details: string): Answer {
  return json(400, envelope({ ...rcData("107"), error_details: details }));
}

function signOk(deps: IakDeps, username: string, sign: string, x: string): boolean {
  return username === deps.credentials.username && sign === iakSign(username, deps.credentials.apiKey, x);
}

function inquiry(deps: IakDeps, body: unknown, username: string, sign: string): Answer {
  const parsed = INQUIRY.safeParse(body);
  if (!parsed.success) return badRequest(z.prettifyError(parsed.error));
  const { ref_id: ref, code, hp } = parsed.data;
  if (!signOk(deps, username, sign, ref)) return ok(rcData("100"));
  const echo = { code, hp, ref_id: ref };
  if (!isIakCode(code)) return ok(rcData("20", echo));
  if (!REF_ID.test(ref)) return ok(rcData("03", echo));
  let months = 1;
  if (code !== "BPJSDENDA") {
    const month = MONTH.safeParse(parsed.data.month);
    if (!month.success) return badRequest(`month (1..12) is required for ${code}`);
    months = month.data;
  }
  if (!isValidCustomerNumber(PRODUCT_OF_IAK_CODE[code], hp)) return ok(rcData("14", echo));

  return deps.store.transaction(() => {
    if (deps.store.byRef("iak", ref) !== undefined) return ok(rcData("11", echo));
    const scenario = scenarioFor(code, hp);
    const at = deps.now();
    const rc = INQUIRY_RC[scenario.inquiry];
    const bill = rc === "00" ? iakBill(code, hp, months, at) : null;
    // Failed inquiries are kept too: their ref_id is spent (reuse → 11) and checkstatus knows them.
    const row = deps.store.insertInquiry({
      protocol: "iak",
      ref,
      productCode: code,
      customerNumber: hp,
      months: code === "BPJSDENDA" ? null : months,
      inquiryRc: rc,
      createdAt: at,
      billJson: bill === null ? null : JSON.stringify(bill),
      reffCode: null,
      payScenario: scenario.pay,
      cost: bill?.selling_price ?? 0,
    });
    if (rc !== "00") return ok(rcData(rc, echo));
    return ok({ ...inquiryFields(row), response_code: "00", message: iakMessage("00", "INQUIRY") });
  });
}

function pay(deps: IakDeps, body: unknown, username: string, sign: string): Answer {
  const parsed = PAY.safeParse(body);
  if (!parsed.success) return badRequest(z.prettifyError(parsed.error));
  const raw = parsed.data.tr_id;
  // The sign covers tr_id as the caller wrote it (IAK-PHP strval's the integer).
  if (!signOk(deps, username, sign, String(raw))) return ok(rcData("100"));
  const trId = Number(raw);
  const row = deps.store.byId(rowIdOfTrId(trId));
  if (row === undefined || row.protocol !== "iak" || row.inquiryRc !== "00") {
    return ok(rcData("06", { tr_id: trId }));
  }
  const { decision, row: after, deposit } = deps.book.pay(row.id, { sameWibDay: true, amountMatches: true });
  switch (decision) {
    case "success":
      return ok({ ...paymentFields(after), response_code: "00", message: iakMessage("00", "PAYMENT") });
    case "pending":
    case "in_process":
      return ok({ ...paymentFields(after), ...rcData("39") });
    case "failed":
      return ok({ ...paymentFields(after), ...rcData(failureRc(after)) });
    case "already_paid":
      return ok({ ...inquiryFields(after), ...rcData("01") });
    case "expired":
      return ok({ ...inquiryFields(after), ...rcData("04") });
    case "deposit_low":
      return ok({ ...inquiryFields(after), balance: deposit, ...rcData("17") });
    case "invalid_amount":
      return ok({ ...inquiryFields(after), ...rcData("93") });
  }
}

function checkStatus(deps: IakDeps, body: unknown, username: string, sign: string): Answer {
  const parsed = STATUS.safeParse(body);
  if (!parsed.success) return badRequest(z.prettifyError(parsed.error));
  if (!signOk(deps, username, sign, "cs")) return ok(rcData("100"));
  const row = deps.store.byRef("iak", parsed.data.ref_id);
  if (row === undefined) return ok(rcData("06", { ref_id: parsed.data.ref_id }));
  return ok(statusData(deps.book.current(row)));
}

function pricelist(deps: IakDeps, body: unknown, username: string, sign: string, type: string | undefined): Answer {
  const parsed = PRICELIST.safeParse(body);
  if (!parsed.success) return badRequest(z.prettifyError(parsed.error));
  if (!signOk(deps, username, sign, "pl")) return ok(rcData("100"));
  const wantsInactive = /^non[ -]?active$/i.test(parsed.data.status ?? "");
  const typeMatches = type === undefined || type.toLowerCase() === "bpjs";
  const pasca = typeMatches && !wantsInactive ? IAK_PRICELIST : [];
  return ok({ pasca, response_code: "00", message: iakMessage("00") });
}

export function handleIak(deps: IakDeps, type: string | undefined, rawBody: string): Answer {
  const body = readJson(rawBody);
  if (body === undefined) return badRequest("the body is not JSON (the simulator speaks JSON only)");
  const head = ENVELOPE.safeParse(body);
  if (!head.success) return badRequest(z.prettifyError(head.error));
  const { commands, username, sign } = head.data;
  switch (commands) {
    case "inq-pasca":
      return inquiry(deps, body, username, sign);
    case "pay-pasca":
      return pay(deps, body, username, sign);
    case "checkstatus":
      return checkStatus(deps, body, username, sign);
    case "pricelist-pasca":
      return pricelist(deps, body, username, sign, type);
    default:
      return ok(rcData("101"));
  }
}
