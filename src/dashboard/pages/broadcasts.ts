import type { Repos } from "../../db/repos.ts";
import type { BroadcastStatus } from "../../db/broadcasts-repo.ts";
import { cut, h, wib, type Html, type PageContext } from "../html.ts";
import { BASE, page } from "../layout.ts";

const PAGE_SIZE = 20;

function statusText(ctx: PageContext, status: BroadcastStatus): Html {
  const { l, t } = ctx;
  return h`<span class="badge ${status}">${t(l, `admin.broadcast_status_${status}`)}</span>`;
}

/**
 * Broadcasts with their progress (docs/dashboard.md#broadcasts): per broadcast, the recipients'
 * states counted (broadcasts-repo.ts), drawn as a <progress> bar — no script, no inline style.
 */
export function broadcastsPage(ctx: PageContext, repos: Repos, beforeId: number | undefined): Html {
  const { l, t } = ctx;
  const rows = repos.broadcasts.list(PAGE_SIZE + 1, beforeId);
  const shown = rows.slice(0, PAGE_SIZE);
  const last = shown.at(-1);
  const body = h`<div class="table-wrap"><table>
  <thead><tr>
    <th>#</th><th>${t(l, "dashboard.broadcasts.created")}</th><th>${t(l, "dashboard.broadcasts.by")}</th><th>${t(l, "dashboard.broadcasts.audience")}</th>
    <th>${t(l, "dashboard.tx.status")}</th><th>${t(l, "dashboard.broadcasts.progress")}</th><th>${t(l, "dashboard.broadcasts.text")}</th>
  </tr></thead>
  <tbody>${
    shown.length === 0
      ? h`<tr><td colspan="7" class="muted">${t(l, "dashboard.broadcasts.none")}</td></tr>`
      : shown.map((b) => {
          const c = repos.broadcasts.counts(b.id);
          const done = c.sent + c.failed + c.blocked + c.skipped;
          const total = Math.max(b.total, done + c.pending + c.sending);
          return h`<tr>
    <td>${b.id}</td><td>${wib(b.created_at)}</td><td class="mono">${b.created_by}</td><td>${b.audience}</td>
    <td>${statusText(ctx, b.status)}${b.pause_reason === null ? "" : h`<br><span class="muted">${cut(b.pause_reason, 60)}</span>`}</td>
    <td class="wrap"><progress value="${done}" max="${Math.max(total, 1)}">${done}/${total}</progress>
      <br><span class="muted">${t(l, "dashboard.broadcasts.counts", { sent: c.sent, total, failed: c.failed, blocked: c.blocked, skipped: c.skipped, pending: c.pending + c.sending })}</span></td>
    <td class="wrap">${cut(b.text, 90)}</td>
  </tr>`;
        })
  }</tbody>
</table></div>
<div class="pager">
  ${beforeId === undefined ? h`<span></span>` : h`<a href="${BASE}/broadcasts">${t(l, "dashboard.pager.first")}</a>`}
  ${rows.length > PAGE_SIZE && last ? h`<a href="${`${BASE}/broadcasts?before=${last.id}`}">${t(l, "dashboard.pager.next")}</a>` : ""}
</div>`;
  return page(ctx, { section: "broadcasts", title: t(l, "dashboard.broadcasts.title"), body });
}
