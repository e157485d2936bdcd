import { choiceIds } from "../../domain/conversation/choice-ids.ts";
import type { Turn } from "../../domain/conversation/turn.ts";
import type { Translate } from "../../i18n.ts";
import type { Repos } from "../../db/repos.ts";
import type { Audience, BroadcastRepo } from "../../db/broadcasts-repo.ts";

const AUDIENCES = new Set<Audience>(["all", "telegram", "whatsapp"]);
export const MAX_BROADCAST_LENGTH = 3500;

/** /broadcast and friends (docs/delivery.md#broadcasts): draft → preview and count → confirm → background delivery. */
export function createBroadcastCommands(deps: { repos: Repos; broadcasts: BroadcastRepo; t: Translate; kick: (id: number) => void }) {
  const { t, broadcasts } = deps;

  function draft(turn: Turn, rest: string): void {
    const l = turn.locale;
    const [first = "", ...more] = rest.split(/(\s+)/);
    const audience: Audience = AUDIENCES.has(first.toLowerCase() as Audience) ? (first.toLowerCase() as Audience) : "all";
    const text = (audience === first.toLowerCase() ? more.join("") : rest).trim();
    if (text.length === 0 || text.length > MAX_BROADCAST_LENGTH) {
      turn.say(t(l, "admin.broadcast_usage", { max: MAX_BROADCAST_LENGTH }));
      return;
    }
    const b = broadcasts.createDraft({
      createdBy: turn.actor,
      adminPlatform: turn.user.platform,
      adminAddress: turn.user.address,
      adminUserId: turn.user.id,
      audience,
      text,
      now: turn.now,
    });
    turn.state = { ...turn.state, step: "admin_confirm", pendingAction: JSON.stringify({ kind: "broadcast", id: b.id }) };
    turn.say(t(l, "admin.broadcast_preview", { audience, count: b.total, text }), [
      [
        { id: choiceIds.adminYes(), label: t(l, "admin.broadcast_send_button", { count: b.total }) },
        { id: choiceIds.adminNo(), label: t(l, "admin.no_button") },
      ],
    ]);
  }

  function confirm(turn: Turn, id: number): void {
    const count = broadcasts.start(id, turn.now);
    deps.repos.audit.record(turn.actor, "broadcast_start", { id, recipients: count }, turn.now);
    turn.say(t(turn.locale, "admin.broadcast_started", { id, count }));
    // After this step's transaction commits: delivery reads the recipients it just wrote.
    setImmediate(() => deps.kick(id));
  }

  function control(turn: Turn, action: "status" | "pause" | "resume" | "cancel"): void {
    const l = turn.locale;
    const b = broadcasts.latest();
    if (!b) {
      turn.say(t(l, "admin.broadcast_none"));
      return;
    }
    let ok = true;
    if (action === "pause") ok = broadcasts.setStatus(b.id, "running", "paused", turn.now, "admin");
    if (action === "resume") ok = broadcasts.setStatus(b.id, "paused", "running", turn.now);
    if (action === "cancel") ok = broadcasts.setStatus(b.id, "running", "cancelled", turn.now) || broadcasts.setStatus(b.id, "paused", "cancelled", turn.now);
    if (action !== "status") deps.repos.audit.record(turn.actor, `broadcast_${action}`, { id: b.id, applied: ok }, turn.now);
    if (action === "resume" && ok) setImmediate(() => deps.kick(b.id));
    const now = broadcasts.get(b.id)!;
    const c = broadcasts.counts(b.id);
    turn.say(
      (ok ? "" : `${t(l, "admin.broadcast_not_applicable")}\n`) +
        t(l, "admin.broadcast_progress", {
          id: b.id,
          status: t(l, `admin.broadcast_status_${now.status}`),
          sent: c.sent,
          total: now.total,
          failed: c.failed,
          blocked: c.blocked,
          skipped: c.skipped,
          pending: c.pending + c.sending,
        }),
    );
  }

  return { draft, confirm, control };
}
export type BroadcastCommands = ReturnType<typeof createBroadcastCommands>;
