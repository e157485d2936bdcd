import type { ProductId } from "../domain/products.ts";
import { PRODUCTS, checkCustomerNumber } from "../domain/products.ts";
import type { InquiryOutcome, InquiryRequest, PaymentProvider } from "./port.ts";

export interface RoutedInquiry {
  /** The provider that gave the final answer (or the last one tried). */
  provider: string | null;
  outcome: InquiryOutcome;
}

/**
 * Routing (docs/providers.md#routing): the first configured provider that supports (product, months) serves it; an
 * inquiry that fails provider-side moves on to the next capable one (inquiries move no money).
 * Pay and status are never routed: they go to the provider named on the transaction.
 */
export function createProviderRouter(providers: readonly PaymentProvider[], isEnabled: (product: ProductId) => boolean = () => true) {
  function capable(product: ProductId, months: number | undefined) {
    return providers.filter((p) => p.supports(product, months));
  }

  return {
    providers,
    get: (name: string) => providers.find((p) => p.name === name),
    capable,
    /** Months offered to a payer: those some configured provider supports. */
    monthsOffered(product: ProductId): number[] {
      const choices = PRODUCTS[product].monthChoices ?? [];
      return choices.filter((m) => capable(product, m).length > 0);
    },
    isOffered(product: ProductId): boolean {
      if (!isEnabled(product)) return false;
      return PRODUCTS[product].monthChoices === null ? capable(product, undefined).length > 0 : this.monthsOffered(product).length > 0;
    },
    async inquire(req: InquiryRequest): Promise<RoutedInquiry> {
      // Every number that reaches a provider passes the product's own check (a masked or mangled
      // number from an old button, the CLI or a bug is refused here, before any request leaves).
      const check = checkCustomerNumber(req.product, req.customerNumber);
      if (!check.ok || check.number !== req.customerNumber) {
        return { provider: null, outcome: { status: "rejected", reason: "wrong_number", message: "customer number failed the product's check" } };
      }
      const candidates = capable(req.product, req.months);
      let last: RoutedInquiry = { provider: null, outcome: { status: "unavailable", fault: "maintenance", message: "no capable provider" } };
      for (const provider of candidates) {
        const outcome = await provider.inquire(req);
        last = { provider: provider.name, outcome };
        if (outcome.status !== "unavailable") return last;
      }
      return last;
    },
  };
}
export type ProviderRouter = ReturnType<typeof createProviderRouter>;
