import type { Locale, Translate } from "../i18n.ts";
import { wholeBeforeDecimalComma } from "./money.ts";

/**
 * What a person is told when an amount they typed was refused as ambiguous (docs/money.md#amounts):
 * `2,500` can be read two ways; `10.000.000,00` only one, but rupiah are written whole, so the hint
 * names the whole amount they meant.
 */
export function ambiguousAmountText(t: Translate, locale: Locale, input: string): string {
  const shown = input.slice(0, 40);
  const whole = wholeBeforeDecimalComma(input);
  return whole === null ? t(locale, "errors.amount_ambiguous", { input: shown }) : t(locale, "errors.amount_decimal_comma", { input: shown, whole });
}
