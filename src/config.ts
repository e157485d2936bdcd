import { z } from "zod";
import { TOPUP_METHODS, type TopupMethod } from "./gateway/port.ts";

/**
 * The only reader of the environment (every variable is in .env.example). parseConfig validates everything at once and
 * reports every problem in one error, so an operator fixes a bad .env in one go.
 */

const bool = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ["true", "false", "1", "0", "yes", "no"].includes(v), "must be true/false/1/0/yes/no")
  .transform((v) => v === "true" || v === "1" || v === "yes");

const httpUrl = z
  .string()
  .trim()
  .refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === "http:" || u.protocol === "https:";
    } catch {
      return false;
    }
  }, "must be an http:// or https:// URL")
  .transform((v) => v.replace(/\/+$/, ""));

/** Base URLs are scheme + host only: a path, query or fragment would be glued onto the client's own paths. */
const baseUrl = httpUrl.refine((v) => {
  const u = new URL(v);
  return (u.pathname === "/" || u.pathname === "") && u.search === "" && u.hash === "" && !v.includes("?") && !v.includes("#");
}, "must be scheme + host only (no path, query or fragment)");

const rupiah = z.string().trim().regex(/^\d+$/, "must be a whole number of rupiah").transform(Number).refine(Number.isSafeInteger, "is too large");

const positiveInt = z
  .string()
  .trim()
  .regex(/^\d+$/, "must be a positive whole number")
  .transform(Number)
  .refine((n) => n > 0 && Number.isSafeInteger(n), "must be a positive whole number");

const list = z.string().transform((v) =>
  v
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0),
);

/** Meta's rule for template names: lowercase letters, digits and underscores (docs/whatsapp-cloud.md#templates). */
const templateName = z
  .string()
  .trim()
  .regex(/^[a-z0-9_]{1,512}$/, "must be a template name as approved in WhatsApp Manager (a-z, 0-9, _)");

/** A template language code exactly as approved: `id`, `en`, `en_US` (case-sensitive, underscore). */
const templateLanguage = z
  .string()
  .trim()
  .regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, "must be a WhatsApp template language code such as id, en or en_US");

const PROVIDER_NAMES = ["simulator", "iak", "espay"] as const;
export type ConfiguredProvider = (typeof PROVIDER_NAMES)[number];

const GATEWAY_NAMES = ["simulator", "midtrans", "none"] as const;
export type ConfiguredGateway = (typeof GATEWAY_NAMES)[number];

/** Bank Indonesia's cap on one QRIS payment (docs/topups.md#limits). */
export const QRIS_MAX_AMOUNT = 10_000_000;

const envSchema = z.object({
  DATABASE_PATH: z.string().trim().min(1).default("./data/loket.db"),
  DEFAULT_LOCALE: z.enum(["id", "en"]).default("id"),
  PROVIDERS: list
    .pipe(z.array(z.enum(PROVIDER_NAMES, { message: `each provider must be one of ${PROVIDER_NAMES.join(", ")}` })).min(1, "must list at least one provider"))
    .refine((l) => new Set(l).size === l.length, "lists a provider twice")
    .default(["simulator"]),
  IAK_USERNAME: z.string().trim().optional(),
  IAK_API_KEY: z.string().trim().optional(),
  IAK_BASE_URL: baseUrl.default("https://testpostpaid.mobilepulsa.net"),
  ESPAY_BASE_URL: baseUrl.default("https://sandbox-api.espay.id"),
  ESPAY_SENDER_ID: z.string().trim().optional(),
  ESPAY_PASSWORD: z.string().trim().optional(),
  ESPAY_SIGNATURE_KEY: z.string().trim().optional(),
  ESPAY_BASIC_USER: z.string().trim().optional(),
  ESPAY_BASIC_PASSWORD: z.string().trim().optional(),
  TELEGRAM_BOT_TOKEN: z
    .string()
    .trim()
    .regex(/^\d+:\S+$/, "must look like 123456:ABC…")
    .optional(),
  TELEGRAM_API_ROOT: httpUrl.default("https://api.telegram.org"),
  TELEGRAM_WEBHOOK_URL: httpUrl.optional(),
  TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{1,256}$/, "may hold only A-Z, a-z, 0-9, _ and - (Telegram's rule)")
    .optional(),
  PORT: positiveInt.refine((n) => n < 65536, "must be a TCP port").default(8080),
  /** The public address of the HTTP server on PORT (links to the dashboard, the gateway's notifications). */
  PUBLIC_BASE_URL: baseUrl.optional(),
  DASHBOARD: bool.default(true),
  WHATSAPP_ENABLED: bool.default(false),
  WHATSAPP_PAIRING_NUMBER: z
    .string()
    .trim()
    .regex(/^\d{8,15}$/, "must be digits only, with the country code (e.g. 6281234567890)")
    .optional(),
  WHATSAPP_MODE: z.enum(["baileys", "cloud"], { message: "must be baileys or cloud" }).default("baileys"),
  WHATSAPP_CLOUD_TOKEN: z
    .string()
    .trim()
    .regex(/^\S{20,}$/, "must be the access token (one word, no spaces)")
    .optional(),
  WHATSAPP_PHONE_NUMBER_ID: z
    .string()
    .trim()
    .regex(/^\d{5,30}$/, "must be the numeric Phone number ID from the app's WhatsApp API Setup (not the phone number)")
    .optional(),
  WHATSAPP_APP_SECRET: z
    .string()
    .trim()
    .regex(/^\S{16,}$/, "must be the App Secret from App settings → Basic (one word)")
    .optional(),
  WHATSAPP_VERIFY_TOKEN: z
    .string()
    .trim()
    .regex(/^[\x21-\x7e]{8,200}$/, "must be 8 to 200 visible ASCII characters, no spaces")
    .optional(),
  WHATSAPP_GRAPH_BASE_URL: baseUrl.default("https://graph.facebook.com"),
  WHATSAPP_GRAPH_VERSION: z
    .string()
    .trim()
    .regex(/^v\d{2,3}\.0$/, "must look like v25.0")
    .default("v25.0"),
  WHATSAPP_TEMPLATE_RECEIPT: templateName.optional(),
  WHATSAPP_TEMPLATE_FAILED: templateName.optional(),
  WHATSAPP_TEMPLATE_PENDING: templateName.optional(),
  WHATSAPP_TEMPLATE_REMINDER: templateName.optional(),
  WHATSAPP_TEMPLATE_BROADCAST: templateName.optional(),
  WHATSAPP_TEMPLATE_NOTICE: templateName.optional(),
  WHATSAPP_TEMPLATE_LANG_ID: templateLanguage.default("id"),
  WHATSAPP_TEMPLATE_LANG_EN: templateLanguage.default("en"),
  WHATSAPP_CLOUD_BROADCAST_RATE: positiveInt.refine((n) => n <= 1000, "must be at most 1000 (Meta's highest throughput tier)").default(20),
  CONSOLE: bool.optional(),
  ADMIN_TELEGRAM_IDS: list.pipe(z.array(z.string().regex(/^\d+$/, "must be numeric Telegram user ids"))).default([]),
  ADMIN_WHATSAPP_NUMBERS: list.pipe(z.array(z.string().regex(/^\d+(@lid)?$/, "must be phone numbers (digits) or LIDs (digits@lid)"))).default([]),
  FEE_BPJS_KESEHATAN: rupiah.default(0),
  FEE_BPJS_KETENAGAKERJAAN: rupiah.default(0),
  FEE_BPJS_DENDA: rupiah.default(0),
  DEMO_BALANCE: rupiah.optional(),
  TOPUP_CONFIRM_ABOVE: rupiah.default(1_000_000),
  LOW_DEPOSIT_ALERT: rupiah.default(500_000),
  TOPUP_INSTRUCTIONS: z.string().trim().min(1).optional(),
  SUPPORT_CONTACT: z.string().trim().min(1).optional(),
  INQUIRY_TTL_MINUTES: positiveInt.default(10),
  SESSION_TTL_MINUTES: positiveInt.default(30),
  INQUIRY_LIMIT_PER_HOUR: positiveInt.default(20),
  TELEGRAM_BROADCAST_RATE: positiveInt.default(25),
  // 25 a second with each send taking 0.2–0.3 s to api.telegram.org needs 5–8 in flight (Little's law); 4 could not keep the pace.
  BROADCAST_IN_FLIGHT: positiveInt.default(8),
  WHATSAPP_BROADCAST_MIN_DELAY_MS: positiveInt.default(3000),
  WHATSAPP_BROADCAST_MAX_DELAY_MS: positiveInt.default(6000),
  WHATSAPP_BROADCAST_DAILY_CAP: positiveInt.default(1000),
  REMINDERS: bool.default(true),
  REMINDER_DAYS_BEFORE: z
    .string()
    .trim()
    .regex(/^\d{1,2}$/, "must be a whole number of days")
    .transform(Number)
    .refine((n) => n >= 0 && n <= 9, "must be 0–9 (a reminder is sent within the due month)")
    .default(3),
  REMINDER_HOUR: z
    .string()
    .trim()
    .regex(/^\d{1,2}$/, "must be an hour 0–23 (WIB)")
    .transform(Number)
    .refine((n) => n <= 23, "must be an hour 0–23 (WIB)")
    .default(9),
  REMINDER_TICK_SECONDS: positiveInt.refine((n) => n <= 3600, "must be at most 3600").default(60),
  BACKUP_DIR: z.string().trim().min(1).default("./data/backups"),
  BACKUP_KEEP: positiveInt.default(7),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  GATEWAY: z.enum(GATEWAY_NAMES, { message: `must be one of ${GATEWAY_NAMES.join(", ")}` }).optional(),
  MIDTRANS_SERVER_KEY: z.string().trim().optional(),
  MIDTRANS_BASE_URL: baseUrl.default("https://api.sandbox.midtrans.com"),
  TOPUP_MIN: rupiah.refine((n) => n > 0, "must be at least 1 rupiah").default(10_000),
  TOPUP_MAX: rupiah.default(QRIS_MAX_AMOUNT),
  TOPUP_METHODS: list
    .pipe(
      z
        .array(z.enum(TOPUP_METHODS as [TopupMethod, ...TopupMethod[]], { message: `each method must be one of ${TOPUP_METHODS.join(", ")}` }))
        .min(1, "must list at least one method"),
    )
    .refine((l) => new Set(l).size === l.length, "lists a method twice")
    .default(["qris"]),
  TOPUP_EXPIRY_MINUTES: positiveInt.refine((n) => n <= 1440, "must be at most 1440 (24 hours)").default(15),
});

type Env = z.infer<typeof envSchema>;

export interface Config {
  databasePath: string;
  defaultLocale: "id" | "en";
  providers: ConfiguredProvider[];
  iak: { username: string; apiKey: string; baseUrl: string } | null;
  espay: {
    baseUrl: string;
    senderId: string;
    password: string;
    signatureKey: string;
    basicUser: string;
    basicPassword: string;
  } | null;
  telegram: {
    token: string;
    apiRoot: string;
    webhookUrl?: string;
    webhookSecret?: string;
  } | null;
  /** The bot's one HTTP server (webhooks, gateway notifications, dashboard). */
  http: { port: number };
  /** Where people reach the HTTP server on PORT (scheme + host), or null when not configured. */
  publicBaseUrl: string | null;
  /** The operator's dashboard under /admin (docs/dashboard.md). */
  dashboard: { enabled: boolean };
  /** WhatsApp is on (through Baileys, or through the Cloud API when `whatsappCloud` is set). */
  whatsapp: { enabled: boolean; pairingNumber?: string };
  /** WHATSAPP_MODE=cloud: Meta's Cloud API instead of Baileys (docs/whatsapp-cloud.md); null otherwise. */
  whatsappCloud: WhatsappCloudConfig | null;
  console: boolean;
  admins: { telegram: string[]; whatsapp: string[] };
  fees: { "bpjs-kesehatan": number; "bpjs-ketenagakerjaan": number; "bpjs-denda": number };
  /** Rupiah given to each new payer; only ever non-zero when the simulator is the only provider. */
  demoBalance: number;
  topupConfirmAbove: number;
  lowDepositAlert: number;
  topupInstructions: string | null;
  supportContact: string | null;
  inquiryTtlMs: number;
  sessionTtlMs: number;
  inquiryLimitPerHour: number;
  broadcast: {
    telegramRate: number;
    inFlight: number;
    whatsappMinDelayMs: number;
    whatsappMaxDelayMs: number;
    whatsappDailyCap: number;
  };
  backup: { dir: string; keep: number };
  /** Due-date reminders and auto-pay (docs/reminders.md). */
  reminders: { enabled: boolean; daysBefore: number; hour: number; tickMs: number };
  logLevel: Env["LOG_LEVEL"];
  /** Automatic top-up through a payment gateway (docs/topups.md); kind "none" keeps the manual /isi. */
  gateway: {
    kind: ConfiguredGateway;
    midtrans: { serverKey: string; baseUrl: string } | null;
    /** The public address of the HTTP server on PORT; notifications arrive at <this>/gateway/midtrans. */
    publicBaseUrl: string | null;
  };
  topup: {
    min: number;
    max: number;
    /** Offered in this order. */
    methods: TopupMethod[];
    expiryMs: number;
  };
}

/** The kinds of message that may need an approved template outside the 24-hour window (docs/whatsapp-cloud.md#templates). */
export type WhatsappTemplateKind = "receipt" | "failed" | "pending" | "reminder" | "broadcast" | "notice";

export interface WhatsappCloudConfig {
  token: string;
  phoneNumberId: string;
  appSecret: string;
  verifyToken: string;
  /** Scheme + host of the Graph API (a fake in tests). */
  graphBaseUrl: string;
  graphVersion: string;
  /** Approved template names by kind; a kind without one is held outside the window. */
  templates: Partial<Record<WhatsappTemplateKind, string>>;
  /** The language code each locale's templates were approved in. */
  templateLanguages: { id: string; en: string };
  /** Broadcast messages per second, counting payer messages too. */
  broadcastRate: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/**
 * Rules between variables, checked on the raw strings so they are reported even when some field
 * is malformed.
 */
function crossFieldProblems(env: Record<string, string>): string[] {
  const problems: string[] = [];
  const providers = (env.PROVIDERS ?? "simulator")
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  const need = (names: string[], why: string) => {
    for (const n of names) if (env[n] === undefined) problems.push(`${n}: required ${why}`);
  };
  if (providers.includes("iak")) need(["IAK_USERNAME", "IAK_API_KEY"], "when PROVIDERS lists iak");
  if (providers.includes("espay")) {
    need(["ESPAY_SENDER_ID", "ESPAY_PASSWORD", "ESPAY_SIGNATURE_KEY", "ESPAY_BASIC_USER", "ESPAY_BASIC_PASSWORD"], "when PROVIDERS lists espay");
  }
  const simulatorOnly = providers.length === 1 && providers[0] === "simulator";
  // A fake provider beside real ones would take real balances for payments that never happen.
  if (providers.includes("simulator") && !simulatorOnly) problems.push("PROVIDERS: simulator cannot be mixed with real providers");
  if (!simulatorOnly && env.DEMO_BALANCE !== undefined) {
    problems.push("DEMO_BALANCE: only allowed when PROVIDERS is exactly simulator (real money is configured)");
  }
  if (env.TELEGRAM_WEBHOOK_URL !== undefined && env.TELEGRAM_BOT_TOKEN === undefined) problems.push("TELEGRAM_WEBHOOK_URL: needs TELEGRAM_BOT_TOKEN");
  if (env.TELEGRAM_WEBHOOK_URL !== undefined && env.TELEGRAM_WEBHOOK_SECRET === undefined) {
    problems.push("TELEGRAM_WEBHOOK_SECRET: required with TELEGRAM_WEBHOOK_URL, so forged webhook calls are refused");
  }
  problems.push(...whatsappCloudProblems(env));
  problems.push(...gatewayProblems(env, simulatorOnly));
  const min = Number(env.WHATSAPP_BROADCAST_MIN_DELAY_MS ?? 3000);
  const max = Number(env.WHATSAPP_BROADCAST_MAX_DELAY_MS ?? 6000);
  if (Number.isFinite(min) && Number.isFinite(max) && min > max) {
    problems.push("WHATSAPP_BROADCAST_MIN_DELAY_MS: must not exceed WHATSAPP_BROADCAST_MAX_DELAY_MS");
  }
  return problems;
}

const WHATSAPP_CLOUD_REQUIRED = ["WHATSAPP_CLOUD_TOKEN", "WHATSAPP_PHONE_NUMBER_ID", "WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN"];

/**
 * WHATSAPP_MODE=cloud turns WhatsApp on by itself (WHATSAPP_ENABLED may stay unset) and needs the
 * four Cloud API secrets; a contradiction (cloud with WHATSAPP_ENABLED=false), a Baileys-only
 * setting in cloud mode or Cloud secrets in Baileys mode is reported rather than guessed at.
 */
function whatsappCloudProblems(env: Record<string, string>): string[] {
  const problems: string[] = [];
  const cloud = env.WHATSAPP_MODE?.trim().toLowerCase() === "cloud";
  const enabled = env.WHATSAPP_ENABLED?.trim().toLowerCase();
  if (cloud) {
    for (const n of WHATSAPP_CLOUD_REQUIRED) if (env[n] === undefined) problems.push(`${n}: required when WHATSAPP_MODE is cloud`);
    if (enabled === "false" || enabled === "0" || enabled === "no") {
      problems.push("WHATSAPP_ENABLED: is false, but WHATSAPP_MODE=cloud turns WhatsApp on (leave WHATSAPP_ENABLED unset or true)");
    }
    if (env.WHATSAPP_PAIRING_NUMBER !== undefined) problems.push("WHATSAPP_PAIRING_NUMBER: only for WHATSAPP_MODE=baileys (the Cloud API needs no pairing)");
  } else {
    for (const n of WHATSAPP_CLOUD_REQUIRED)
      if (env[n] !== undefined) problems.push(`${n}: set, but WHATSAPP_MODE is not cloud (set WHATSAPP_MODE=cloud to use it)`);
  }
  return problems;
}

/** The gateway's rules between variables (docs/topups.md#configuration). */
function gatewayProblems(env: Record<string, string>, simulatorOnly: boolean): string[] {
  const problems: string[] = [];
  const gateway = env.GATEWAY?.trim() ?? (simulatorOnly ? "simulator" : "none");
  // A simulated payment would credit real balances that pay real bills: money from nowhere.
  if (gateway === "simulator" && !simulatorOnly)
    problems.push("GATEWAY: simulator is only allowed when PROVIDERS is exactly simulator (real money is configured)");
  if (gateway === "midtrans") {
    if (env.MIDTRANS_SERVER_KEY === undefined) problems.push("MIDTRANS_SERVER_KEY: required when GATEWAY is midtrans");
    if (env.PUBLIC_BASE_URL === undefined)
      problems.push("PUBLIC_BASE_URL: required when GATEWAY is midtrans (Midtrans posts its notifications to <PUBLIC_BASE_URL>/gateway/midtrans)");
  }
  const whole = (v: string | undefined, fallback: number) => (v === undefined ? fallback : /^\s*\d+\s*$/.test(v) ? Number(v) : NaN);
  const min = whole(env.TOPUP_MIN, 10_000);
  const max = whole(env.TOPUP_MAX, QRIS_MAX_AMOUNT);
  if (Number.isFinite(min) && Number.isFinite(max) && min > max) problems.push("TOPUP_MIN: must not exceed TOPUP_MAX");
  const methods = (env.TOPUP_METHODS ?? "qris").split(",").map((m) => m.trim());
  if (methods.includes("qris") && Number.isFinite(max) && max > QRIS_MAX_AMOUNT) {
    problems.push(`TOPUP_MAX: must be at most ${QRIS_MAX_AMOUNT} while TOPUP_METHODS offers qris (Bank Indonesia's cap on one QRIS payment)`);
  }
  return problems;
}

/** Empty strings mean "not set": `.env` files often carry `FOO=` lines. */
function dropEmpty(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v.trim() !== "") out[k] = v;
  return out;
}

export function parseConfig(rawEnv: Record<string, string | undefined>): Config {
  const env = dropEmpty(rawEnv);
  const parsed = envSchema.safeParse(env);
  // Field problems and cross-field problems are reported together: one start, one list to fix.
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".") || "environment"}: ${i.message}`)),
    ...crossFieldProblems(env),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  const cloud = e.WHATSAPP_MODE === "cloud";
  const otherPlatform = e.TELEGRAM_BOT_TOKEN !== undefined || e.WHATSAPP_ENABLED || cloud;
  return {
    databasePath: e.DATABASE_PATH,
    defaultLocale: e.DEFAULT_LOCALE,
    providers: e.PROVIDERS,
    iak: e.IAK_USERNAME !== undefined && e.IAK_API_KEY !== undefined ? { username: e.IAK_USERNAME, apiKey: e.IAK_API_KEY, baseUrl: e.IAK_BASE_URL } : null,
    espay:
      e.ESPAY_SENDER_ID !== undefined &&
      e.ESPAY_PASSWORD !== undefined &&
      e.ESPAY_SIGNATURE_KEY !== undefined &&
      e.ESPAY_BASIC_USER !== undefined &&
      e.ESPAY_BASIC_PASSWORD !== undefined
        ? {
            baseUrl: e.ESPAY_BASE_URL,
            senderId: e.ESPAY_SENDER_ID,
            password: e.ESPAY_PASSWORD,
            signatureKey: e.ESPAY_SIGNATURE_KEY,
            basicUser: e.ESPAY_BASIC_USER,
            basicPassword: e.ESPAY_BASIC_PASSWORD,
          }
        : null,
    telegram:
      e.TELEGRAM_BOT_TOKEN !== undefined
        ? {
            token: e.TELEGRAM_BOT_TOKEN,
            apiRoot: e.TELEGRAM_API_ROOT,
            webhookUrl: e.TELEGRAM_WEBHOOK_URL,
            webhookSecret: e.TELEGRAM_WEBHOOK_SECRET,
          }
        : null,
    http: { port: e.PORT },
    publicBaseUrl: e.PUBLIC_BASE_URL ?? null,
    dashboard: { enabled: e.DASHBOARD },
    whatsapp: { enabled: e.WHATSAPP_ENABLED || cloud, pairingNumber: e.WHATSAPP_PAIRING_NUMBER },
    whatsappCloud: cloud ? whatsappCloudOf(e) : null,
    console: e.CONSOLE ?? !otherPlatform,
    admins: { telegram: e.ADMIN_TELEGRAM_IDS, whatsapp: e.ADMIN_WHATSAPP_NUMBERS },
    fees: {
      "bpjs-kesehatan": e.FEE_BPJS_KESEHATAN,
      "bpjs-ketenagakerjaan": e.FEE_BPJS_KETENAGAKERJAAN,
      "bpjs-denda": e.FEE_BPJS_DENDA,
    },
    demoBalance: e.PROVIDERS.length === 1 && e.PROVIDERS[0] === "simulator" ? (e.DEMO_BALANCE ?? 1_000_000) : 0,
    topupConfirmAbove: e.TOPUP_CONFIRM_ABOVE,
    lowDepositAlert: e.LOW_DEPOSIT_ALERT,
    topupInstructions: e.TOPUP_INSTRUCTIONS ?? null,
    supportContact: e.SUPPORT_CONTACT ?? null,
    inquiryTtlMs: e.INQUIRY_TTL_MINUTES * 60_000,
    sessionTtlMs: e.SESSION_TTL_MINUTES * 60_000,
    inquiryLimitPerHour: e.INQUIRY_LIMIT_PER_HOUR,
    broadcast: {
      telegramRate: e.TELEGRAM_BROADCAST_RATE,
      inFlight: e.BROADCAST_IN_FLIGHT,
      whatsappMinDelayMs: e.WHATSAPP_BROADCAST_MIN_DELAY_MS,
      whatsappMaxDelayMs: e.WHATSAPP_BROADCAST_MAX_DELAY_MS,
      // The Cloud API's messaging limit starts at 250 people a day outside the 24-hour window (docs/whatsapp-cloud.md#pacing).
      whatsappDailyCap: cloud && env.WHATSAPP_BROADCAST_DAILY_CAP === undefined ? CLOUD_DEFAULT_DAILY_CAP : e.WHATSAPP_BROADCAST_DAILY_CAP,
    },
    backup: { dir: e.BACKUP_DIR, keep: e.BACKUP_KEEP },
    reminders: { enabled: e.REMINDERS, daysBefore: e.REMINDER_DAYS_BEFORE, hour: e.REMINDER_HOUR, tickMs: e.REMINDER_TICK_SECONDS * 1000 },
    logLevel: e.LOG_LEVEL,
    gateway: {
      kind: e.GATEWAY ?? (e.PROVIDERS.length === 1 && e.PROVIDERS[0] === "simulator" ? "simulator" : "none"),
      midtrans: e.MIDTRANS_SERVER_KEY === undefined ? null : { serverKey: e.MIDTRANS_SERVER_KEY, baseUrl: e.MIDTRANS_BASE_URL },
      publicBaseUrl: e.PUBLIC_BASE_URL ?? null,
    },
    topup: { min: e.TOPUP_MIN, max: e.TOPUP_MAX, methods: e.TOPUP_METHODS, expiryMs: e.TOPUP_EXPIRY_MINUTES * 60_000 },
  };
}

/** A new business portfolio may reach 250 people a day outside the window (Meta's messaging limit). */
const CLOUD_DEFAULT_DAILY_CAP = 250;

function whatsappCloudOf(e: Env): WhatsappCloudConfig {
  const templates: Partial<Record<WhatsappTemplateKind, string>> = {};
  const names: [WhatsappTemplateKind, string | undefined][] = [
    ["receipt", e.WHATSAPP_TEMPLATE_RECEIPT],
    ["failed", e.WHATSAPP_TEMPLATE_FAILED],
    ["pending", e.WHATSAPP_TEMPLATE_PENDING],
    ["reminder", e.WHATSAPP_TEMPLATE_REMINDER],
    ["broadcast", e.WHATSAPP_TEMPLATE_BROADCAST],
    ["notice", e.WHATSAPP_TEMPLATE_NOTICE],
  ];
  for (const [kind, name] of names) if (name !== undefined) templates[kind] = name;
  return {
    // Checked present by whatsappCloudProblems before this runs.
    token: e.WHATSAPP_CLOUD_TOKEN!,
    phoneNumberId: e.WHATSAPP_PHONE_NUMBER_ID!,
    appSecret: e.WHATSAPP_APP_SECRET!,
    verifyToken: e.WHATSAPP_VERIFY_TOKEN!,
    graphBaseUrl: e.WHATSAPP_GRAPH_BASE_URL,
    graphVersion: e.WHATSAPP_GRAPH_VERSION,
    templates,
    templateLanguages: { id: e.WHATSAPP_TEMPLATE_LANG_ID, en: e.WHATSAPP_TEMPLATE_LANG_EN },
    broadcastRate: e.WHATSAPP_CLOUD_BROADCAST_RATE,
  };
}

/** Reads `.env` (if present) without overriding what the real environment already says. */
export function loadEnv(path = ".env"): Record<string, string | undefined> {
  try {
    process.loadEnvFile(path);
  } catch (err) {
    if ((err as { code?: string }).code !== "ENOENT") throw err;
  }
  return process.env;
}
