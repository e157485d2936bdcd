import type { Repos } from "../../db/repos.ts";
import type { PeriodStats } from "../../db/stats-repo.ts";
import { startOfWibDay, startOfWibMonth, wibDate } from "../../domain/wib-time.ts";
import { age, h, raw, rupiah, wib, type Html, type PageContext } from "../html.ts";
import { BASE, page } from "../layout.ts";
import { ordersLink } from "./orders.ts";

const DAY_MS = 86_400_000;
const WIB_OFFSET_MS = 7 * 3_600_000;
const CHART_DAYS = 30;

/** JSON inside a <script type="application/json">: `<` escaped, so no text in it can close the element. */
function scriptJson(value: unknown): Html {
  return raw(
    JSON.stringify(value)
      .replace(/</g, "\\u003c")
      .replace(/\u2028/g, "\\u2028")
      .replace(/\u2029/g, "\\u2029"),
  );
}

function periodCard(ctx: PageContext, title: Html, s: PeriodStats, topups: { count: number; amount: number }): Html {
  const { l, t } = ctx;
  return h`<section class="card">
  <h3>${title}</h3>
  <div class="big">${rupiah(s.volume)}</div>
  <dl>
    <dt>${t(l, "dashboard.overview.count")}</dt><dd>${s.count}</dd>
    <dt>${t(l, "dashboard.overview.margin")}</dt><dd>${rupiah(s.margin)}</dd>
    <dt>${t(l, "dashboard.overview.topups")}</dt><dd>${t(l, "dashboard.overview.topups_value", { count: topups.count, amount: rupiah(topups.amount) })}</dd>
  </dl>
</section>`;
}

/**
 * The gateway's top-up orders (docs/dashboard.md#top-up-orders): paid today and this month (the
 * same figures as /stats), open now, and those that went to a person today and this month, each
 * leading to the list filtered so.
 */
function ordersCard(ctx: PageContext, repos: Repos): Html {
  const { l, t, now } = ctx;
  const day = startOfWibDay(now);
  const month = startOfWibMonth(now);
  const paidToday = repos.topupOrders.creditedSince(day);
  const paidMonth = repos.topupOrders.creditedSince(month);
  const open = repos.topupOrderReports.openCount();
  const review = repos.topupOrderReports.reviewCounts(day, month);
  const reviewLink = ordersLink({ status: "needs_review" });
  const stat = (label: Html, value: Html | string | number, sub: Html | string) =>
    h`<div class="stat"><span class="label">${label}</span><span class="value">${value}</span><span class="muted">${sub}</span></div>`;
  return h`<section class="card wide ${review.today > 0 ? "alert" : ""}">
    <h3>${t(l, "dashboard.overview.orders")} · <a href="${BASE}/orders">${t(l, "dashboard.overview.orders_all")}</a></h3>
    <div class="stats">
      ${stat(t(l, "dashboard.overview.orders_paid_today"), rupiah(paidToday.amount), t(l, "dashboard.overview.orders_count", { count: paidToday.count }))}
      ${stat(t(l, "dashboard.overview.orders_paid_month"), rupiah(paidMonth.amount), t(l, "dashboard.overview.orders_count", { count: paidMonth.count }))}
      ${stat(t(l, "dashboard.overview.orders_open"), h`<a href="${ordersLink({ status: "pending" })}">${open}</a>`, t(l, "dashboard.overview.orders_open_note"))}
      ${stat(t(l, "dashboard.overview.orders_review_today"), h`<a href="${reviewLink}">${review.today}</a>`, t(l, "dashboard.overview.orders_review_note"))}
      ${stat(t(l, "dashboard.overview.orders_review_month"), h`<a href="${reviewLink}">${review.month}</a>`, t(l, "dashboard.overview.orders_review_total", { count: review.total }))}
    </div>
  </section>`;
}

/**
 * The overview (docs/dashboard.md#overview): today and this month (stats-repo, the same figures as
 * /stats), what is waiting, top-ups, the provider deposit last reported, and 30 days drawn by uPlot
 * — with the same numbers in a table for a browser without JavaScript.
 */
export function overviewPage(ctx: PageContext, repos: Repos): Html {
  const { l, t, now } = ctx;
  const today = repos.stats.paidSince(startOfWibDay(now));
  const month = repos.stats.paidSince(startOfWibMonth(now));
  const open = repos.txReports.openCounts();
  const waiting = open.paying + open.pending + open.needs_review;
  const requests = repos.topupRequests.waitingCount();
  const deposits = repos.providerDeposit.latest();

  // 30 WIB days ending today; days without a payment are zeros, not gaps.
  const firstDay = startOfWibDay(now) - (CHART_DAYS - 1) * DAY_MS;
  const byDay = new Map(repos.stats.dailyPaidSince(firstDay).map((d) => [d.day, d]));
  const days = Array.from({ length: CHART_DAYS }, (_, i) => {
    const start = firstDay + i * DAY_MS;
    const d = byDay.get(Math.floor((start + WIB_OFFSET_MS) / DAY_MS));
    return { start, date: wibDate(start), count: d?.count ?? 0, volume: d?.volume ?? 0, margin: d?.margin ?? 0 };
  });
  const chartData = {
    days: days.map((d) => d.start / 1000),
    count: days.map((d) => d.count),
    volume: days.map((d) => d.volume),
    labels: {
      day: ctx.t(l, "dashboard.overview.day").toString(),
      count: ctx.t(l, "dashboard.overview.count").toString(),
      volume: ctx.t(l, "dashboard.overview.volume").toString(),
    },
  };

  const body = h`<div class="cards">
  ${periodCard(ctx, t(l, "dashboard.overview.today"), today, repos.stats.topupsSince(startOfWibDay(now)))}
  ${periodCard(ctx, t(l, "dashboard.overview.month"), month, repos.stats.topupsSince(startOfWibMonth(now)))}
  <section class="card ${open.needs_review > 0 ? "alert" : ""}">
    <h3>${t(l, "dashboard.overview.waiting")}</h3>
    <div class="big"><a href="${BASE}/queue">${waiting}</a></div>
    <dl>
      <dt>${t(l, "dashboard.status.needs_review")}</dt><dd>${open.needs_review}</dd>
      <dt>${t(l, "dashboard.status.pending")}</dt><dd>${open.pending}</dd>
      <dt>${t(l, "dashboard.status.paying")}</dt><dd>${open.paying}</dd>
      <dt>${t(l, "dashboard.overview.requests")}</dt><dd>${requests}</dd>
    </dl>
  </section>
  <section class="card">
    <h3>${t(l, "dashboard.overview.deposit")}</h3>
    ${
      deposits.length === 0
        ? h`<p class="muted">${t(l, "dashboard.overview.deposit_none")}</p>`
        : h`<dl>${deposits.map(
            (d) => h`<dt>${d.provider}</dt><dd><strong>${rupiah(d.balance)}</strong><br><span class="muted">${wib(d.at)} · ${age(ctx, d.at)}</span></dd>`,
          )}</dl>`
    }
  </section>
  ${ordersCard(ctx, repos)}
</div>
<section class="panel">
  <h2>${t(l, "dashboard.overview.chart_title", { days: CHART_DAYS })}</h2>
  <div id="chart" class="chart" role="img" aria-label="${t(l, "dashboard.overview.chart_title", { days: CHART_DAYS })}"></div>
  <script type="application/json" id="chart-data">${scriptJson(chartData)}</script>
  <details class="chart-table" id="chart-table" open>
    <summary>${t(l, "dashboard.overview.chart_table")}</summary>
    <div class="table-wrap"><table>
      <thead><tr><th>${t(l, "dashboard.overview.day")}</th><th class="num">${t(l, "dashboard.overview.count")}</th><th class="num">${t(l, "dashboard.overview.volume")}</th><th class="num">${t(l, "dashboard.overview.margin")}</th></tr></thead>
      <tbody>${days
        .slice()
        .reverse()
        .map(
          (d) => h`<tr><td>${d.date}</td><td class="num">${d.count}</td><td class="num">${rupiah(d.volume)}</td><td class="num">${rupiah(d.margin)}</td></tr>`,
        )}</tbody>
    </table></div>
  </details>
</section>`;
  return page(ctx, {
    section: "overview",
    title: t(l, "dashboard.overview.title"),
    body,
    head: h`<link rel="stylesheet" href="${BASE}/assets/uplot.min.css">`,
    scripts: [`${BASE}/assets/uplot.min.js`, `${BASE}/assets/overview-chart.js`],
  });
}
