/** Slack incoming webhook: Block Kit with a plain-text fallback. */
import type { Message } from "./message";

/** Slack mrkdwn control characters; escaping them stops injected links and mentions. */
export function escapeSlack(text: string): string {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

const MAX_FIELDS_PER_SECTION = 10;
const MAX_HEADER_CHARS = 150;

export function toSlack(message: Message): object {
    const fields = message.facts.map(([label, value]) => ({ type: "mrkdwn", text: `*${label}*\n${escapeSlack(value)}` }));
    const fieldSections = [];
    for (let i = 0; i < fields.length; i += MAX_FIELDS_PER_SECTION) {
        fieldSections.push({ type: "section", fields: fields.slice(i, i + MAX_FIELDS_PER_SECTION) });
    }
    const blocks: object[] = [
        { type: "header", text: { type: "plain_text", text: message.title.slice(0, MAX_HEADER_CHARS) } },
        { type: "section", text: { type: "mrkdwn", text: escapeSlack(message.summary) } },
        ...fieldSections,
    ];
    if (message.instructions) {
        blocks.push({ type: "section", text: { type: "mrkdwn", text: "```" + escapeSlack(message.instructions) + "```" } });
    }
    if (message.links.length > 0) {
        blocks.push({
            type: "actions",
            elements: message.links.map((link) => ({ type: "button", text: { type: "plain_text", text: link.label }, url: link.url })),
        });
    }
    return { text: escapeSlack(`${message.title}: ${message.summary}`), blocks };
}
