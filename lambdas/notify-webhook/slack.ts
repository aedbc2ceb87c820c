/** Slack incoming webhook: Block Kit with a plain-text fallback. */
import type { Message } from "./message";

/** Slack mrkdwn control characters; escaping them stops injected links and mentions. */
function escapeSlack(text: string): string {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

const MAX_FIELDS_PER_SECTION = 10;
const MAX_HEADER_CHARS = 150;
/** Slack rejects the whole message when a button's url exceeds this (Block Kit reference, button element). */
export const MAX_BUTTON_URL_CHARS = 3000;

/** The link a button can carry: the link itself, else its shorter stand-in, else none. */
function buttonLink(link: Message["links"][number]): { label: string; url: string } | undefined {
    if (link.url.length <= MAX_BUTTON_URL_CHARS) return link;
    if (link.shorter && link.shorter.url.length <= MAX_BUTTON_URL_CHARS) return link.shorter;
    return undefined;
}

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
    const buttons = message.links.map(buttonLink).filter(link => link !== undefined);
    if (buttons.length > 0) {
        blocks.push({
            type: "actions",
            elements: buttons.map(link => ({ type: "button", text: { type: "plain_text", text: link.label }, url: link.url })),
        });
    }
    if (buttons.length < message.links.length) {
        blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: "Some links were too long for a Slack button; the facts above name the object." }] });
    }
    return { text: escapeSlack(`${message.title}: ${message.summary}`), blocks };
}
