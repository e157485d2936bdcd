import type { Repos } from "../../db/repos.ts";
import type { Locale, Translate } from "../../i18n.ts";
import type { ProviderRouter } from "../../providers/router.ts";
import type { Notifier } from "../notifier.ts";
import type { PaymentService } from "../payments/payment-service.ts";
import type { Turn } from "./turn.ts";
import type { AdminCommand } from "./commands.ts";
import type { ParsedChoice } from "./choice-ids.ts";
import type { TopupMethod } from "../../gateway/port.ts";
import type { TopupService } from "../topups/topup-service.ts";

export interface ConversationSettings {
  sessionTtlMs: number;
  inquiryLimitPerHour: number;
  topupInstructions: string | null;
  supportContact: string | null;
  defaultLocale: Locale;
  /** Due-date reminders and auto-pay (docs/reminders.md): when they are due. */
  reminders: { enabled: boolean; daysBefore: number; hour: number };
}

/** Admin commands plug in here (src/admin), so the payer flow does not depend on them. */
export interface AdminHandler {
  command(turn: Turn, name: AdminCommand, args: string[], rest: string): void;
  choice(turn: Turn, choice: ParsedChoice): boolean;
}

export interface ConversationContext {
  repos: Repos;
  now: () => number;
  payments: PaymentService;
  router: ProviderRouter;
  notifier: Notifier;
  t: Translate;
  settings: ConversationSettings;
  admin: AdminHandler | null;
  /** Gateway top-ups (docs/topups.md), when a gateway is configured; without, /isi asks an admin. */
  topups?: TopupFlow | null;
}

export interface TopupFlow {
  service: Pick<TopupService, "createOrder" | "charge" | "closeUncharged" | "check">;
  settings: { min: number; max: number; methods: readonly TopupMethod[] };
}
