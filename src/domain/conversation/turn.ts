import type { UserRow } from "../../db/users-repo.ts";
import type { Locale } from "../../i18n.ts";
import type { Choice, InboundEvent, OutboundMessage } from "../messages.ts";
import type { Effect } from "./effects.ts";
import type { SessionState } from "./session.ts";

/**
 * One step of one person's conversation: what they said (or what the bot does for them unasked),
 * their state, what we will say, and the effect (a provider call) to run after the commit.
 * Everything here is written in the step's commit.
 */
export class Turn {
  readonly replies: OutboundMessage[] = [];
  effect: Effect | null = null;

  constructor(
    public user: UserRow,
    public state: SessionState,
    public locale: Locale,
    readonly isAdmin: boolean,
    readonly actor: string,
    readonly now: number,
    readonly event: InboundEvent | null,
    /** Strictly increasing instants on the engine's clock, shared with arrival stamps. */
    private readonly stamp: () => number = () => now,
  ) {}

  /** Asks the engine to run `effect` once this step is committed; its answer comes in the effect's `after`. */
  request(effect: Effect): void {
    this.effect = effect;
  }

  /** Makes `choices` the current menu (numbered replies map onto it) and returns its nonce. */
  offer(choices: Choice[][]): number {
    this.state.nonce += 1;
    this.state.menu = choices.flat().map((c) => c.id);
    this.state.menuAt = this.stamp();
    return this.state.nonce;
  }

  /** The person typed this before the current menu was offered: it cannot be answering it. */
  typedBeforeMenu(): boolean {
    const at = this.event?.receivedAt;
    return at !== undefined && this.state.menuAt !== undefined && this.state.menu.length > 0 && at <= this.state.menuAt;
  }

  say(text: string, choices?: Choice[][], tag?: string): void {
    const message: OutboundMessage = { text };
    if (choices && choices.length > 0) {
      message.choices = choices;
      message.nonce = this.offer(choices);
    }
    if (tag !== undefined) message.tag = tag;
    this.replies.push(message);
  }
}
