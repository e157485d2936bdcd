/**
 * Preloaded into the soak's bot process (`node --import tsx --import ./bench/soak-clock.ts`) on the
 * 29th–31st of a month only: auto-pay days are 1–28, so the soak moves the bot's clock back to the
 * 28th to see auto-payments fire (bench/soak.ts). Never part of the product.
 */
const offset = Number(process.env.SOAK_CLOCK_OFFSET_MS ?? 0);
if (Number.isFinite(offset) && offset !== 0) {
  const real = Date.now.bind(Date);
  Date.now = () => real() + offset;
}
