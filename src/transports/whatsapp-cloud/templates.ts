import type { WhatsappCloudConfig, WhatsappTemplateKind } from "../../config.ts";
import type { OutboundMessage } from "../../domain/messages.ts";
import { fitPlain } from "../../domain/fit-text.ts";
import type { Locale } from "../../i18n.ts";
import { recipientOf } from "./address.ts";
import { whatsappText } from "./text.ts";

/**
 * The one text parameter `{{1}}` of every Loket template carries the message itself. Meta refuses a
 * parameter with a line break, a tab or more than four spaces in a row (error 132018), so the lines
 * are joined with " · ". Kept well under the 1,024 characters a template body may reach.
 */
export const TEMPLATE_PARAM_MAX = 900;

/** Which template a message outside the window needs: its kind, or the catch-all notice. */
export function templateKindOf(message: Pick<OutboundMessage, "kind">): WhatsappTemplateKind {
  return message.kind ?? "notice";
}

/** The engine's HTML as one line a template parameter accepts. */
export function templateParam(html: string): string {
  const oneLine = whatsappText(html, 10 * TEMPLATE_PARAM_MAX)
    .split(/\r?\n/)
    .map((line) => line.replace(/\s+/g, " ").trim())
    .filter((line) => line !== "")
    .join(" · ");
  const cut = fitPlain(oneLine, TEMPLATE_PARAM_MAX);
  // An empty parameter is refused too.
  return cut === "" ? "-" : cut;
}

export interface TemplateChoice {
  name: string;
  language: string;
}

/** The approved template for this kind in the person's language, or null when none is configured. */
export function templateFor(
  config: Pick<WhatsappCloudConfig, "templates" | "templateLanguages">,
  kind: WhatsappTemplateKind,
  locale: Locale,
): TemplateChoice | null {
  const name = config.templates[kind];
  return name === undefined ? null : { name, language: config.templateLanguages[locale] };
}

/** The Graph API body that sends a template with its one body parameter. */
export function templateBody(waId: string, template: TemplateChoice, param: string): Record<string, unknown> {
  return {
    messaging_product: "whatsapp",
    recipient_type: "individual",
    to: recipientOf(waId),
    type: "template",
    template: {
      name: template.name,
      language: { code: template.language },
      components: [{ type: "body", parameters: [{ type: "text", text: param }] }],
    },
  };
}
