import { z } from "zod";

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

const PROVIDER_NAMES = ["simulator", "iak", "espay"] as const;
export type ConfiguredProvider = (typeof PROVIDER_NAMES)[number];

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
  WHATSAPP_ENABLED: bool.default(false),
  WHATSAPP_PAIRING_NUMBER: z
    .string()
    .trim()
    .regex(/^\d{8,15}$/, "must be digits only, with the country code (e.g. 6281234567890)")
    .optional(),
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
  BROADCAST_IN_FLIGHT: positiveInt.default(4),
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
  whatsapp: { enabled: boolean; pairingNumber?: string };
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
  const min = Number(env.WHATSAPP_BROADCAST_MIN_DELAY_MS ?? 3000);
  const max = Number(env.WHATSAPP_BROADCAST_MAX_DELAY_MS ?? 6000);
  if (Number.isFinite(min) && Number.isFinite(max) && min > max) {
    problems.push("WHATSAPP_BROADCAST_MIN_DELAY_MS: must not exceed WHATSAPP_BROADCAST_MAX_DELAY_MS");
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
  const otherPlatform = e.TELEGRAM_BOT_TOKEN !== undefined || e.WHATSAPP_ENABLED;
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
    whatsapp: { enabled: e.WHATSAPP_ENABLED, pairingNumber: e.WHATSAPP_PAIRING_NUMBER },
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
      whatsappDailyCap: e.WHATSAPP_BROADCAST_DAILY_CAP,
    },
    backup: { dir: e.BACKUP_DIR, keep: e.BACKUP_KEEP },
    reminders: { enabled: e.REMINDERS, daysBefore: e.REMINDER_DAYS_BEFORE, hour: e.REMINDER_HOUR, tickMs: e.REMINDER_TICK_SECONDS * 1000 },
    logLevel: e.LOG_LEVEL,
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
