import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { Engine } from "../../domain/engine.ts";
import type { OutboundMessage } from "../../domain/messages.ts";
import type { MessageSender } from "../../domain/delivery/message-sender.ts";
import { htmlToPlain, numberedChoices } from "../plain-text.ts";
import type { BroadcastChannel } from "../../admin/broadcast/channel.ts";
import { qrTerminal } from "../qr-image.ts";

export const CONSOLE_USER_ID = "console";
const PLAIN = { bold: ["", ""], italic: ["", ""], code: ["", ""] } as { bold: [string, string]; italic: [string, string]; code: [string, string] };

export function renderConsole(message: OutboundMessage): string {
  const lines = [htmlToPlain(message.text, PLAIN)];
  const choices = numberedChoices(message);
  if (choices.length > 0) lines.push("", ...choices.map((c) => `  ${c}`));
  return lines.join("\n");
}

/** The console's half of the outbox: messages are printed, a picture (a QRIS code) drawn in the terminal above its text. */
export function createConsoleSender(output: Writable): MessageSender {
  let n = 0;
  return {
    async send(_address, message) {
      const qr = message.image === undefined ? "" : await qrTerminal(message.image.payload).catch(() => "");
      output.write(`\n${qr}${renderConsole(message)}\n`);
      return String(++n);
    },
  };
}

/** Broadcasts reach the console user too (the operator testing an announcement on themselves). */
export function createConsoleBroadcastChannel(output: Writable): BroadcastChannel {
  return {
    inFlight: 4,
    async send(_address, html) {
      output.write(`\n${renderConsole({ text: html })}\n`);
    },
  };
}

/**
 * A terminal chat with the engine (docs/conversation.md#typed-choices-answer-the-menu-on-screen for typed-ahead lines). One line is one message; a piped stdin works
 * the same, so a whole payment can be scripted. At the end of input it waits for every answer.
 */
export function runConsoleChat(deps: {
  engine: Pick<Engine, "handle">;
  /** Sends what is due (each answer is printed before the next line is read). */
  flush: () => Promise<void>;
  input: Readable;
  output: Writable;
  locale?: string;
  /** Waits for in-flight work (payments, settlements) before closing on end of input. */
  settle?: () => Promise<void>;
  /** The app's clock: a line typed at a terminal is stamped when it arrives. */
  now?: () => number;
}): Promise<void> {
  const interactive = (deps.input as { isTTY?: boolean }).isTTY === true;
  const rl = createInterface({ input: deps.input, terminal: false });
  const session = Date.now().toString(36);
  let seq = 0;
  const prompt = () => {
    if (interactive) deps.output.write("> ");
  };

  return new Promise((resolve, reject) => {
    let queue = Promise.resolve();
    rl.on("line", (line) => {
      const text = line.trim();
      // At a terminal, a line typed while an answer is on its way answers the menu on screen now,
      // not the one that comes next. A piped script is a deliberate sequence: each line answers
      // what the one before it brought, so it is stamped when its turn comes.
      const typedAt = interactive ? (deps.now ?? Date.now)() : undefined;
      queue = queue.then(async () => {
        if (text.length === 0) return prompt();
        if (!interactive) deps.output.write(`> ${text}\n`);
        await deps.engine.handle({
          platform: "console",
          userId: CONSOLE_USER_ID,
          address: CONSOLE_USER_ID,
          messageId: `${session}-${++seq}`,
          text,
          ...(typedAt === undefined ? {} : { receivedAt: typedAt }),
          ...(deps.locale === undefined ? {} : { localeHint: deps.locale }),
          displayName: "Console",
        });
        await deps.flush();
        prompt();
      });
    });
    rl.on("close", () => {
      queue
        .then(async () => {
          await deps.settle?.();
          await deps.flush();
          resolve();
        })
        .catch(reject);
    });
    // First words, so a newcomer sees the menu without typing anything.
    queue = queue.then(async () => {
      if (interactive) {
        await deps.engine.handle({ platform: "console", userId: CONSOLE_USER_ID, address: CONSOLE_USER_ID, messageId: `${session}-0`, text: "/start" });
        await deps.flush();
        prompt();
      }
    });
  });
}
